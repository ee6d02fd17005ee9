"""The content catalog: topics, lookup entries and questions, loaded and validated from YAML."""
