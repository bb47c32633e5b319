"""Named entities: the gazetteer, the konec lexicon, rule-based mention finding and the learned
tagger.

- ``mentions``: the entry points (``extract_mentions``, ``extract_mentions_many``) and counts;
- ``finder``: :class:`~briefing.search.entities.finder.EntityFinder`, the gazetteer, lexicon and
  tagger built once, running the candidate finders over the tokens of an analysed text;
- ``gazetteer``, ``lexicon``: known names and aliases; konec forms with their NE labels;
- ``tokens``, ``boundaries``, ``candidates``, ``names``: the morphemes and words of a text,
  where a name may start and end, the candidates found so far, what a personal name looks like;
- candidate finders: ``gazetteer_names``, ``teams``, ``persons`` (titles and affiliations),
  ``suffixes`` (companies, places, organisations), ``short_forms`` (short forms, repeats,
  bracketed aliases), ``tagged_spans`` (the learned tagger's spans), ``credits`` (bylines,
  photo credits, sources);
- the learned tagger: ``tagger`` (model, load/save), ``tagger_features``, ``viterbi``,
  ``fast_scorer`` (its training lives in ``training/``, outside the package).
"""
