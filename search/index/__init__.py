"""The article index on Whoosh (every Whoosh import of the project is here), one module per idea:

- ``article_index``: ArticleIndex, opening, reading and searching an index directory
- ``schema``: the Whoosh schema and the fields of one document
- ``tokenizers``: Whoosh tokenizers on the Korean analysis; AnalysedValue, a field's text with its terms
- ``writer``: an update's writing (analysis a batch ahead, one commit)
- ``segments``: segments written by worker processes, published by the main writer
- ``whoosh_private``: every use of a Whoosh private name, behind named functions
- ``query_syntax``: the query language read into items (no Whoosh)
- ``query``: those items as Whoosh queries (analysed words, phrases, fields, dates)
- ``evaluate``: Whoosh query trees scored with numpy (Whoosh's BM25F)
- ``snippet``: the passage of a body where the query's terms cluster
"""
