"""Offline tools that build the data files shipped in ``search/entities/models_data/`` (not in the wheel).

- ``python -m training.lexicon SRC_DIR``: the compact konec lexicon (``konec_lexicon.tsv.gz``);
- ``python -m training.ner_train FILE...``: the entity tagger's weights (``ner_perceptron.json.gz``).
"""
