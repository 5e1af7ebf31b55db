"""Type inference for names the text alone cannot resolve, in a worker process (jedi)."""

from docs_daemon.inference.client import Answer, InferenceClient, Source

__all__ = ["Answer", "InferenceClient", "Source"]
