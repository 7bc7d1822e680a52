"""Knowledge base (知识库): ingest gazettes and newspapers, curate 一问一答, search with citations, mine frequent questions."""
