"""Dates and events, one module per idea:

- ``date_grammar``: the Korean date expressions (word tables, two regular expressions)
- ``tense``: sentences and the tense of a clause (from Kiwi's morphemes)
- ``dates``: DateMention and the resolver against the publication date
- ``events``: the dated statements of an article
"""
