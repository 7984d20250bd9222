"""weibao (维保): run a server maintenance contract as code."""

__version__ = "0.1.0"
