"""Official documents: the decree-30 letterhead, Word and PDF files, the register of documents sent."""
