"""meshdrill engine: Istio + Kubernetes resources, validation, analysis, simulated mesh, grading.

A pure library: no CLI, UI or database imports (a test enforces it).
"""

__version__ = "0.1.0"
