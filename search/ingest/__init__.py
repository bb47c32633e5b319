"""Getting text in: source files and their formats, byte decoding, news pages read into
articles (title, publisher, byline, page furniture, publication date, outlets).
"""
