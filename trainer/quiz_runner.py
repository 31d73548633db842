"""The interactive quiz: wires the session, storage, question types, keys and views together.

Every answer is committed before the next card is shown, so quitting, Ctrl-C or a crash loses
at most the card on screen. Heavy modules (fsrs, the engine, yaml) are not imported before the
first card is on screen: cards come from the SQLite cache that `sync` keeps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from trainer import queries, storage
from trainer.app import App
from trainer.deckfile import Card
from trainer.errors import TrainerError
from trainer.keys import ENTER, QUIT, SPACE
from trainer.questions.base import KEY, LINE, REVEAL, ask, option_key
from trainer.render import quiz as view
from trainer.scheduling import AGAIN, Settings, next_day_start
from trainer.session import Entry, Session
from trainer.sync import sync

COMMANDS = ("u", "s", "b", "!", "e", "q")
EXTRA_NEW = 5  # offered when today's new cards are done
STAY, NEXT, STOP = "stay", "next", "stop"
UNDONE = {"rate": "your answer to", "bury": "burying", "suspend": "suspending"}


def build_session(store: storage.Store, now: datetime, settings: Settings, app: App,
                  deck: str | None, limit: int | None, extra_new: int = 0) -> Session:
    """Due reviews (within the daily review limit), new cards (within the new limit), exercises."""
    new_done, reviews_done = queries.done_today(store, now, app.tz)
    review_room = max(0, settings.reviews_per_day - reviews_done)
    new_room = max(0, settings.new_per_day - new_done) + extra_new
    reviews = queries.due_cards(store, now, deck, review_room) if not extra_new else []
    candidates = queries.new_cards(store, now, deck, new_room * 3)
    keys = queries.sibling_keys(store, reviews + candidates)
    resting = queries.reviewed_today_keys(store, now, app.tz) if candidates else set()
    new = [c for c in candidates if keys.get(c) not in resting][:new_room]
    exercises = storage.due_exercises(store, now) if deck is None and not extra_new else []
    later = [] if extra_new else queries.learning_later(store, now, next_day_start(now, app.tz), deck)
    if limit is not None:
        reviews = reviews[:limit]
        new = new[:max(0, limit - len(reviews))]
        exercises = exercises[:max(0, limit - len(reviews) - len(new))]
        later = later[:max(0, limit - len(reviews) - len(new) - len(exercises))]
    return Session.build(now, reviews, new, exercises, keys, later)


@dataclass
class QuizRun:
    app: App
    store: storage.Store
    settings: Settings
    session: Session
    seed: int
    cards: dict[str, Card] = field(default_factory=dict)
    ratings: dict[int, tuple[int, bool]] = field(default_factory=dict)  # log id -> rating, new

    def loop(self) -> view.Summary:
        interrupted = False
        try:
            while (entry := self.session.next(self.app.now())) is not None:
                turn = self.exercise_turn if entry.kind == "exercise" else self.card_turn
                if turn(entry) == STOP:
                    break
        except KeyboardInterrupt:
            interrupted = True
        summary = self.summary(interrupted)
        self.app.out.print(view.summary_view(summary))
        return summary

    def summary(self, interrupted: bool) -> view.Summary:
        rated = [self.ratings[a.log_id] for a in self.session.history if a.name == "rate"]
        progress = self.session.progress(self.app.now())
        return view.Summary(reviewed=len(rated), again=sum(r == AGAIN for r, _ in rated),
                            new=sum(new for _, new in rated), skipped=self.session.skipped,
                            elapsed=progress.elapsed, interrupted=interrupted)

    def card(self, item: str) -> Card:
        if item not in self.cards:
            self.cards.update(queries.load_cards(self.store, [item]))
        return self.cards[item]

    def card_turn(self, entry: Entry) -> str:
        out, keys = self.app.out, self.app.input
        card = self.card(entry.item)
        siblings = queries.topic_siblings(self.store, card) if card.type == "choice" and not card.choices else []
        question = ask(card, siblings, random.Random(f"{self.seed}:{card.id}"))
        prompt = question.prompt
        started = self.app.now()
        out.print(view.prompt_view(card, prompt, self.session.progress(started), entry.source))
        while True:  # the response: reveal, an option key, or a typed line
            if prompt.response == LINE:
                line = keys.line()
                if line is None:
                    return STOP
                if line.strip().lower() in COMMANDS:
                    result = self.command(line.strip().lower(), entry, card)
                    if result != STAY:
                        return result
                    continue
                response = line
                break
            key = keys.key()
            if prompt.response == REVEAL and key in (ENTER, SPACE):
                response = ""
                break
            if prompt.response == KEY and key in {option_key(i) for i in range(len(prompt.options))}:
                response = key
                break
            if key in COMMANDS:
                result = self.command(key, entry, card)
                if result != STAY:
                    return result
        outcome = question.check(response, (self.app.now() - started).total_seconds())
        out.print(view.outcome_view(outcome))
        out.print(view.rating_keys(outcome.proposed))
        while True:  # the rating: 1-4, or enter to take the proposed one
            key = keys.key()
            if key in ("1", "2", "3", "4"):
                rating = int(key)
                break
            if key in (ENTER, SPACE) and outcome.proposed is not None:
                rating = outcome.proposed
                break
            if key in COMMANDS:
                result = self.command(key, entry, card)
                if result != STAY:
                    return result
        return self.rate(entry, card, rating, started, outcome.response or None)

    def rate(self, entry: Entry, card: Card, rating: int, started: datetime, answer: str | None) -> str:
        now = self.app.now()
        recorded = storage.record_review(
            self.store, "card", card.id, rating, now, self.settings, self.app.tz,
            duration_ms=int((now - started).total_seconds() * 1000), answer=answer, qtype=card.type)
        state = recorded.state
        again_today = (state.state in ("learning", "relearning") and not state.suspended
                       and state.due is not None and state.due < next_day_start(now, self.app.tz))
        self.session.answered(entry, recorded.log_id, state.due if again_today else None)
        self.ratings[recorded.log_id] = (rating, entry.source == "new")
        self.app.out.print(view.rated_line(rating, state.due, now))
        if recorded.became_leech:
            self.app.out.print(view.leech_line(card))
        return NEXT

    def command(self, key: str, entry: Entry, card: Card | None) -> str:
        out, now = self.app.out, self.app.now()
        if key == "q":
            return STOP
        if key == "e" and card is not None:
            out.print(view.explain_view(card))
            return STAY
        if key == "u":
            action = self.session.undo()
            if action is None:
                out.print("nothing to undo in this session", style="md.warn")
                return STAY
            storage.undo(self.store, action.log_id, now)
            self.ratings.pop(action.log_id, None)
            out.print(f"undone: {UNDONE[action.name]} '{action.entry.item}'; it is shown again", style="md.warn")
            return NEXT
        if key == "s":
            self.session.skip(entry)
            return NEXT
        if key == "b":
            recorded = storage.record_bury(self.store, entry.kind, entry.item,
                                           next_day_start(now, self.app.tz), now)
            self.session.buried(entry, recorded.log_id)
            out.print(f"buried until tomorrow: {entry.item}", style="md.warn")
            return NEXT
        if key == "!":
            recorded = storage.record_suspend(self.store, entry.kind, entry.item, now)
            self.session.suspended(entry, recorded.log_id)
            out.print(f"suspended: {entry.item}", style="md.warn")
            return NEXT
        return STAY

    def exercise_turn(self, entry: Entry) -> str:
        out = self.app.out
        try:
            from trainer.exercise_flow import run_exercise
        except ImportError:
            out.print(f"Hands-on exercise due: run `meshdrill exercise start {entry.item}`.")
            self.session.leave(entry)
            return NEXT
        out.print(f"Hands-on exercise due: {entry.item}. enter: start · s: later · q: quit")
        key = self.app.input.key()
        if key == QUIT:
            return STOP
        self.session.leave(entry)
        if key in (ENTER, SPACE):
            run_exercise(self.app, entry.item)
        return NEXT


def run_quiz(app: App, deck: str | None = None, limit: int | None = None) -> view.Summary | None:
    store = app.store()
    now = app.now()
    for problem in sync(store, app.deck_files(), now).problems:
        app.out.print(f"warning: {problem}. Until it is fixed the quiz keeps the cards it last loaded from "
                      "that file (none if it never loaded); `meshdrill deck check FILE` lists every problem.",
                      style="md.warn")
    if deck is not None and deck not in (known := queries.deck_ids(store)):
        raise TrainerError(f"no deck {deck!r}", hint=f"known decks: {', '.join(known) or 'none'}")
    settings = storage.load_settings(store)
    session = build_session(store, now, settings, app, deck, limit)
    seed = app.seed if app.seed is not None else random.Random().randrange(2**32)
    if session.next(now) is None:
        new_left = queries.count_new(store, now, deck)
        new_done, _ = queries.done_today(store, now, app.tz)
        limit_reached = new_done >= settings.new_per_day
        app.out.print(view.nothing_due_view(queries.next_due(store, now, deck), now, new_left,
                                            limit_reached, app.tz))
        if not (new_left and limit_reached) or app.input.key() != "n":
            return None
        session = build_session(store, now, settings, app, deck, limit, extra_new=EXTRA_NEW)
    return QuizRun(app, store, settings, session, seed).loop()
