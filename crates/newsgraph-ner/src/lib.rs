//! The named-entity tagger trained by the project: features, averaged-perceptron training, BIO-constrained Viterbi decoding, CoNLL evaluation.
