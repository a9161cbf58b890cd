"""The training corpus: real data from ``../shared/data`` composed into labelled pages."""

from medspam.corpus.build import POOLS, build_corpus, pool_of
from medspam.corpus.sources import shared_data_dir

__all__ = ["POOLS", "build_corpus", "pool_of", "shared_data_dir"]
