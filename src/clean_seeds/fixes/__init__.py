"""Per-document fixes, one module per stage; each rule is a pure ``(text, config) -> Cleaned``."""
