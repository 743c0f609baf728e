"""Training (torch): datasets, the network, cross-validation and export to a bundle.

Never imported by the app's runtime path: only `ver-desktop train` loads it.
"""
