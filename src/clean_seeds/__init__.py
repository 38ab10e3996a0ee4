"""clean_seeds: clean and deduplicate OCR'd documents, with a complete, reversible change log."""

__version__ = "0.1.0"

from .config import Config, load_config
from .models import Cleaned, CleanedDocument, Document, Edit
from .pipeline import clean_corpus, clean_text

__all__ = [
    "Cleaned",
    "CleanedDocument",
    "Config",
    "Document",
    "Edit",
    "__version__",
    "clean_corpus",
    "clean_text",
    "load_config",
]
