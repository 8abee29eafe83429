"""petcognizer: train an image classifier from folders of photos, offline.

Importing the package pulls in neither Qt nor torch.
"""

__version__ = '0.1.0'
__all__ = ['__version__']
