"""What every extractor of one release needs to know: text, layout, mentions."""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

from hmic_graph.extract.gazetteer import Gazetteer, Mention
from hmic_graph.extract.lexicon import Lexicon
from hmic_graph.extract.segment import Block, BlockKind, Layout, sentences
from hmic_graph.model.records import OrganisationKind, Span


@dataclass
class ReleaseContext:
    """The shared state of one extraction run (never shared between releases)."""

    text: str
    layout: Layout
    gazetteer: Gazetteer
    lexicon: Lexicon
    mentions: list[Mention]
    published: str | None = None
    subjects: tuple[str, ...] = ()
    publisher: str | None = None
    extra_organisations: dict[str, list[Span]] = field(default_factory=dict)
    # Sentence spans per block: every extractor walks the sentences, and
    # splitting them again for each was a third of the extraction time.
    _sentences: dict[Span, list[Span]] = field(default_factory=dict)

    def sentences_of(self, block: Block) -> list[Span]:
        """The sentence spans of ``block`` (computed once per release)."""
        found = self._sentences.get(block.span)
        if found is None:
            found = self._sentences[block.span] = sentences(self.text, block.span)
        return found

    def mentions_in(self, span: Span) -> list[Mention]:
        # ``mentions`` is in text order (Gazetteer.find), so search from the first
        # that can fall inside: a scan of them all per sentence is quadratic.
        first = bisect.bisect_left(self.mentions, span.start, key=lambda m: m.span.start)
        found = []
        for mention in itertools.islice(self.mentions, first, None):
            if mention.span.start >= span.end:
                break
            if mention.span.end <= span.end:
                found.append(mention)
        return found

    def forces_in(self, span: Span) -> list[str]:
        """Keys of the police forces (and inspected bodies) named inside ``span``, in order."""
        keys: list[str] = []
        for mention in self.mentions_in(span):
            body = self.gazetteer.body(mention.key)
            is_body = body.kind in (OrganisationKind.POLICE_FORCE, OrganisationKind.INSPECTED_BODY)
            if is_body and mention.key not in keys:
                keys.append(mention.key)
        return keys

    def body_sentences(self) -> list[tuple[Block, Span]]:
        """Sentences of the body paragraphs (not quotes, headline or notes).

        A release written as one long paragraph has its body in the headline block.
        """
        result: list[tuple[Block, Span]] = []
        for block in self.layout.blocks:
            long_headline = block.kind is BlockKind.HEADLINE and len(block.text) > 300
            if block.kind is BlockKind.BODY or long_headline:
                result.extend((block, s) for s in self.sentences_of(block))
        return result

    def all_sentences(self) -> list[tuple[Block, Span]]:
        result: list[tuple[Block, Span]] = []
        for block in self.layout.blocks:
            if block.kind in (BlockKind.BODY, BlockKind.NOTE, BlockKind.HEADLINE, BlockKind.QUOTE):
                result.extend((block, s) for s in self.sentences_of(block))
        return result

    def single_subject(self) -> str | None:
        return self.subjects[0] if len(self.subjects) == 1 else None
