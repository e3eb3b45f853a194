"""backprop-lab's science: the network, both gradient passes and the checks between them.

Nothing here imports textual, jinja2 or weasyprint; `backprop.config` does not even
import torch, so options can be checked before the slow import.
"""
