"""What is read and what is said, pure: an essay file into a `Script` (`script`, through the
format's reader in `readers`: plain text, Markdown, .docx, web pages, EPUB), its chapters
(`chapters`), each chapter's sentences and pauses (`sentences`), the spoken form of each sentence
(`normalize`), the writer's pronunciations (`lexicon`) and phoneme spans (`phonemes`)."""
