"""Language features: each module turns one kind of LSP request into store queries and back."""
