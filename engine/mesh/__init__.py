"""The simulated cluster: inventory (workloads) + Istio config indexed for routing."""

from engine.mesh.mesh import Mesh, build_mesh

__all__ = ["Mesh", "build_mesh"]
