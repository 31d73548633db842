"""meshdrill trainer: CLI, terminal UI, storage, scheduling and quiz sessions."""
