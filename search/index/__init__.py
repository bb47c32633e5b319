"""The article index on Whoosh: schema, writing, reading, the query language, vectorised
scoring and snippets.
"""
