"""evidence: typed, cited findings from a folder of policy documents."""

__version__ = "0.1.0"
