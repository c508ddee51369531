"""Writing only: new bytes for badge spans and marker blocks, the data file, and a safe write.

Every edit works on the bytes the reader saw and replaces known spans; whatever lies outside
them is copied through untouched, so encoding, BOM, line endings and final newline survive.
"""
