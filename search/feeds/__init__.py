"""Getting news in: followed feeds, polite HTTP fetching, article pages turned into corpus
records, and duplicate wire copies.

Fetched articles are written as one JSON Lines record each under ``<data dir>/fetched/articles``
(a folder the engine indexes with the rest of the corpus); the raw pages are kept beside it
under ``fetched/raw``; feed state and the fetch log live in ``<data dir>/feeds.sqlite``.
"""
