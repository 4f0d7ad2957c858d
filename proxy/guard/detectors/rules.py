# ruff: noqa: RUF001  (non-ASCII letters and quotes are part of the multilingual patterns)
"""Curated rules: jailbreak and prompt-injection markers (many languages), obfuscation hints,
a hazard lexicon that names the category of a harmful request, and benign technical contexts.

The linear model decides *whether* a prompt is harmful; these rules add recall on well-known
attack phrasings the model may not have seen, and say *which* hazard it is.
"""

import re
import re._constants as sre_constants
import re._parser as sre_parser
from collections.abc import Iterator
from dataclasses import dataclass, field

_MAX_STARTS = 256


def _stopped(prefixes: set[str]) -> tuple[set[str], bool] | None:
    return None if "" in prefixes else (prefixes, False)


def _starts_of(items: list) -> tuple[set[str], bool] | None:
    """The literal strings every match of a parsed sequence starts with, and whether they are
    the whole sequence (each alternative entirely literal); None if there are none."""
    prefixes = {""}
    for op, av in items:
        if op is sre_constants.AT and av in (sre_constants.AT_BOUNDARY, sre_constants.AT_NON_BOUNDARY):
            if prefixes == {""}:
                continue  # zero-width, at the start: pattern.match(text, pos) still checks it
            return prefixes, False
        if op is sre_constants.LITERAL:
            prefixes = {prefix + chr(av) for prefix in prefixes}
            continue
        if op is sre_constants.SUBPATTERN and not av[1] and not av[2]:  # a group, no inline flags
            inner = _starts_of(av[3].data)
        elif op is sre_constants.BRANCH:
            alternatives = [_starts_of(alternative.data) for alternative in av[1]]
            if any(alternative is None for alternative in alternatives):
                inner = None
            else:
                starts = set().union(*(alternative[0] for alternative in alternatives))
                inner = (starts, all(alternative[1] for alternative in alternatives))
        else:
            return _stopped(prefixes)
        if inner is None:
            return _stopped(prefixes)
        prefixes = {prefix + start for prefix in prefixes for start in inner[0]}
        if len(prefixes) > _MAX_STARTS:
            return None
        if not inner[1]:
            return _stopped(prefixes)
    return _stopped(prefixes) if "" in prefixes else (prefixes, True)


def match_starts(pattern: re.Pattern) -> tuple[str, ...] | None:
    """Literal strings one of which every match of `pattern` starts with (shortest kept), or
    None when the pattern does not start with literals (then only `search` will do)."""
    try:
        found = _starts_of(sre_parser.parse(pattern.pattern, pattern.flags).data)
    except Exception:  # noqa: BLE001 (an internal module of `re` changed shape: just search)
        return None
    if found is None:
        return None
    starts = sorted(found[0], key=len)
    if len(starts[0]) < 2:  # a one-letter start occurs everywhere: sre's own scan is as fast
        return None
    kept: list[str] = []
    for start in starts:
        if not any(start.startswith(shorter) for shorter in kept):
            kept.append(start)
    return tuple(kept)


def occurrences(text: str, starts: tuple[str, ...]) -> Iterator[int]:
    """Every position where one of `starts` occurs (per start, left to right)."""
    for start in starts:
        position = text.find(start)
        while position != -1:
            yield position
            position = text.find(start, position + 1)


@dataclass(frozen=True)
class Rule:
    category: str
    score: float
    pattern: re.Pattern
    gate: tuple[str, ...] = ()  # cheap substrings; the regex only runs when one is present
    starts: tuple[str, ...] | None = field(default=None, compare=False)

    def matches(self, text: str) -> bool:
        """`pattern.search(text) is not None`, faster. Python's `re` cannot skip ahead for a
        pattern that begins with `\\b` and an alternation (every attack-marker group): it tries
        every alternative at every position, ~0.6 ms per 2 KB window for the widest. A match
        can only begin where one of `starts` occurs, so the pattern is tried there alone
        (`match` at a position still sees the text before it, for `\\b`)."""
        if self.starts is None:
            return self.pattern.search(text) is not None
        match = self.pattern.match
        return any(match(text, position) for position in occurrences(text, self.starts))


def _rules(category: str, score: float, *patterns: str, gate: tuple[str, ...] = ()) -> list[Rule]:
    # One alternation per group: a single scan of the text instead of one per pattern.
    merged = re.compile("|".join(f"(?:{p})" for p in patterns), re.UNICODE)
    return [Rule(category, score, merged, gate, match_starts(merged))]


_GATES = {
    "override": (
        "follow",
        "vergiss",
        "vergessen",
        "oubli",
        "olvida",
        "ignor",
        "disregard",
        "forget",
        "override",
        "bypass",
        "skip",
        "vorherig",
        "bisherig",
        "obigen",
        "vorigen",
        "précéd",
        "preced",
        "anterior",
        "предыдущ",
        "прежн",
        "вышеуказ",
        "忽略",
        "無視",
        "무시",
        "negeer",
        "zignoruj",
        "निर्देश",
        "αγνοή",
        "تجاهل",
        "önceki",
        "abaikan",
        "bỏ qua",
    ),
    "reveal": (
        "reveal",
        "print",
        "show",
        "output",
        "repeat",
        "display",
        "leak",
        "tell me",
        "system",
        "admin",
        "developer",
        "[",
        "<",
        "new instruction",
        "new rule",
        "reading this",
        "task",
        "goal",
        "pwned",
    ),
    "persona": ("anything now", " mode", "bound", "free", "jailbr", "ethical", "moral", "content"),
    "persona_soft": (
        "uncensored",
        "unfiltered",
        "amoral",
        "unrestricted",
        "character",
        "refuse",
        "decline",
        "say no",
        "sorry",
        "can't",
        "safety",
        "content",
        "developer",
        "act ",
        "pretend",
        "role",
        "polic",
        "ohne",
        "sans",
        "sin ",
        "senza",
        "sem ",
        "без",
        "限制",
    ),
    "copyright": ("lyrics", "passage", "text", "chapter"),
}


_PREV = (
    r"(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?"  # not "my": users may revise their own requests
    r"(?:previous|prior|above|earlier|preceding|former|initial|original)"
)
_INSTR = r"(?:instructions?|prompts?|rules|directions|directives|guidelines|context|commands?)"

RULES: list[Rule] = [
    *_rules(
        "prompt_injection",
        0.9,  # a marker alone flags; blocking (0.92) needs the model to agree
        rf"\b(?:ignore|disregard|forget|override|bypass|skip)\s+{_PREV}\s+{_INSTR}",
        r"\b(?:ignore|disregard|forget)\s+(?:everything|all)\s+(?:above|before|previously|you\s+were\s+told)",
        r"\b(?:ignore|disregard|forget)\s+(?:the|everything|all(?:\s+the)?)\s+(?:text\s+|instructions?\s+)?"
        r"(?:above|before\s+this|that\s+came\s+before)",
        r"\b(?:do\s+not|don't)\s+follow\s+(?:the|your)\s+(?:previous|above|original|system)\s+(?:instructions?|rules)",
        r"\b(?:vergiss|vergessen\s+sie)\s+(?:alles|alle\s+(?:vorherigen\s+)?(?:anweisungen|aufgaben|regeln))",
        r"\boublie[zs]?\s+tout(?:\s+ce\s+qui\s+précède|es?\s+(?:les\s+)?(?:instructions|consignes))",
        r"\bolvida\s+todo\s+lo\s+(?:anterior|que\s+te\s+(?:dije|han\s+dicho))",
        r"ignorier\w*\s+(?:alle\s+)?(?:vorherigen|bisherigen|obigen|vorigen)\s+(?:anweisungen|befehle|regeln)",
        r"ignor\w+\s+(?:toutes\s+)?(?:les\s+)?instructions\s+(?:précédentes|precedentes|antérieures)",
        r"ignor\w+\s+(?:todas\s+)?(?:las\s+|as\s+)?(?:instrucciones|instruções|instrucoes)\s+(?:anteriores|previas)",
        r"ignora\w*\s+(?:tutte\s+)?(?:le\s+)?istruzioni\s+(?:precedenti|sopra)",
        r"игнорир\w*\s+(?:все\s+)?(?:предыдущие|прежние|вышеуказанные)\s+(?:инструкции|указания|правила)",
        r"忽略(?:之前|以前|上面|先前|前面)(?:的)?(?:所有)?(?:指令|指示|说明|规则)",
        r"(?:以前|前|上記)の(?:指示|命令|ルール)を(?:すべて)?無視",
        r"이전\s*(?:의\s*)?(?:지시|명령|지침)\w*\s*무시",
        r"negeer\s+(?:alle\s+)?(?:vorige|eerdere)\s+instructies",
        r"zignoruj\s+(?:wszystkie\s+)?(?:poprzednie|wcześniejsze)\s+instrukcje",
        r"पिछले\s+(?:सभी\s+)?निर्देशों\s+(?:को\s+)?(?:की\s+)?(?:अनदेखी|अनदेखा|नज़रअंदाज़)",
        r"αγνοήστε\s+(?:όλες\s+)?τις\s+προηγούμενες\s+οδηγίες",
        r"تجاهل\s+(?:جميع\s+)?(?:التعليمات|الأوامر)\s+السابقة",
        r"önceki\s+(?:tüm\s+)?talimatları\s+(?:yok\s+say|görmezden\s+gel)",
        r"abaikan\s+(?:semua\s+)?instruksi\s+sebelumnya",
        r"bỏ\s+qua\s+(?:tất\s+cả\s+)?(?:các\s+)?hướng\s+dẫn\s+trước",
        gate=_GATES["override"],
    ),
    *_rules(
        "intellectual_property",
        0.6,
        r"\b(?:generate|write|give|print|reproduce|output|recite)\s+(?:me\s+)?(?:the\s+)?(?:full\s+|complete\s+|entire\s+)?"
        r"(?:lyrics|(?:a\s+)?(?:long\s+)?passage|text|first\s+chapter|chapter\s+\w+)\s+(?:of|from)\s+[\"“'‘]",
        gate=_GATES["copyright"],
    ),
    *_rules(
        "prompt_injection",
        0.85,
        r"\b(?:reveal|print|show|output|repeat|display|leak|tell\s+me)\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|entire\s+|hidden\s+|initial\s+|original\s+)?(?:system\s+prompt|initial\s+prompt|hidden\s+instructions|instructions\s+above|secret\s+(?:key|password))",
        r"(?:^|\n)\s*(?:#+\s*)?(?:system|admin|developer)\s*(?:override|message|instruction)s?\s*[:#]",
        r"\[/?(?:system|inst)\]|<\|?(?:im_start|system)\|?>|</?(?:system|instructions?)>",
        r"\bnew\s+(?:instructions?|rules?)\s*(?:from\s+the\s+(?:developer|admin|system))?\s*:",
        r"\bai\s+(?:agents?|assistants?|models?)\s+reading\s+this\b",
        r"\b(?:your\s+real|the\s+actual|your\s+new)\s+(?:task|instructions?|goal)\s+(?:is|are)\b",
        r"\bi\s+have\s+been\s+pwned\b",
        gate=_GATES["reveal"],
    ),
    # Indirect injection: data (an email, a page, a résumé, tool output) that talks to the model.
    # One rule per marker, each behind its own cheap substring gate (hot-path cost on 8 KB prompts).
    *_rules(
        "prompt_injection",
        0.85,
        r"\b(?:note|message|instructions?|reminder|p\.?s\.?)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?"
        r"(?:ai|a\.i\.|assistants?|llms?|language\s+models?|chatbots?|bots?|gpt|screeners?|ai\s+agents?)\b",
        gate=(
            "note to",
            "note for",
            "message to",
            "message for",
            "instructions for",
            "instruction for",
            "reminder to",
            "reminder for",
            "p.s",
            "ps to",
            "ps for",
        ),
    ),
    *_rules(
        "prompt_injection",
        0.85,
        r"\b(?:ai|assistant|ai\s+agent|llm|chatbot|gpt)\s*[:,]\s*(?:please\s+)?(?:disregard|ignore|forget|override|"
        r"you\s+must|instead|do\s+not\s+(?:tell|mention|reveal))",
        gate=(
            "ai:",
            "ai,",
            "assistant:",
            "assistant,",
            "agent:",
            "agent,",
            "llm:",
            "llm,",
            "gpt:",
            "gpt,",
            "chatbot:",
            "chatbot,",
        ),
    ),
    *_rules(
        "prompt_injection",
        0.85,
        r"\bwhen\s+you\s+(?:summari[sz]e|translate|read|process|analy[sz]e)\s+this\b.{0,60}\b(?:also|instead|"
        r"make\s+sure|you\s+must)\b",
        gate=("when you summar", "when you transl", "when you read", "when you process", "when you analy"),
    ),
    *_rules(
        "prompt_injection",
        0.85,
        r"\b(?:forget|disregard|ignore)\s+(?:all\s+)?(?:of\s+)?your\s+(?:instructions|guidelines|rules|programming|training)",
        r"\boublie[zs]?\s+(?:tes|vos|toutes\s+(?:tes|vos|les))\s+(?:instructions|consignes|règles)",
        r"\bolvida\s+(?:tus|todas\s+(?:tus|las))\s+(?:instrucciones|reglas)",
        r"\bvergiss\s+(?:deine|alle\s+(?:deine\s+)?)(?:anweisungen|regeln|instruktionen)",
        r"\bdimentica\s+(?:le\s+tue|tutte\s+le)\s+(?:istruzioni|regole)",
        r"\besque[çc]a\s+(?:suas|todas\s+as)\s+(?:instru[çc][õo]es|regras)",
        r"\bзабудь\s+(?:все\s+)?(?:свои\s+|твои\s+)?(?:инструкции|правила)",
        gate=(
            "your instr",
            "your guid",
            "your rul",
            "your prog",
            "your train",
            "oubli",
            "olvida",
            "vergiss",
            "dimentica",
            "esque",
            "забудь",
        ),
    ),
    *_rules(
        "prompt_injection",
        0.85,
        r"display\s*:\s*none[^>]{0,80}>[^<]{0,300}\b(?:assistant|ai|model|you\s+must|ignore|tell\s+the)",
        gate=("display",),
    ),
    *_rules(
        "prompt_injection",
        0.85,
        r"!\[[^\]]{0,80}\]\(https?://[^)\s]{1,200}[?&](?:secret|token|key|password|history|conversation|chat|data)=",
        gate=("![",),
    ),
    *_rules(
        "jailbreak",
        0.88,  # a marker alone flags; blocking (0.9) needs the model to agree
        r"\bdo\s+anything\s+now\b",
        r"\b(?:developer|dev|god|jailbreak|unrestricted|unfiltered|evil)\s+mode\s+(?:enabled|on|activated)\b",
        r"\byou\s+are\s+(?:now\s+)?(?:no\s+longer|not)\s+(?:bound|restricted|limited)\s+by\b",
        r"\b(?:free|freed|broken\s+free)\s+(?:from|of)\s+(?:the\s+)?(?:typical\s+)?(?:confines|restrictions|rules|limitations|shackles)\b",
        r"\b(?:jailbreak|jailbroken)\b",
        r"\bwithout\s+(?:any\s+)?(?:ethical|moral)\s+(?:guidelines|restrictions|boundaries|constraints|considerations)\b",
        r"\bno\s+(?:ethical|moral|content)\s+(?:guidelines|restrictions|boundaries|filters|policies|limits)\b",
        gate=_GATES["persona"],
    ),
    *_rules(
        "jailbreak",
        0.75,
        r"\b(?:uncensored|unfiltered|amoral|unrestricted)\s+(?:ai|assistant|chatbot|model|version|response|answers?)\b",
        r"\bstay\s+in\s+character\b",
        r"\b(?:never|don't|do\s+not|will\s+not|won't)\s+(?:refuse|decline|say\s+(?:no|sorry|you\s+can't))\b",
        r"\b(?:ignore|bypass|disable|turn\s+off)\s+(?:all\s+|your\s+)?(?:safety|content)\s+(?:filters?|policies|protocols|guidelines)\b",
        r"\bdeveloper\s+mode\b",
        r"\b(?:act|pretend|roleplay|role-play)\s+(?:as|to\s+be)\s+an?\s+(?:ai|chatbot|assistant)\s+(?:with(?:out)?|that\s+has\s+no)\b",
        r"\b(?:openai|anthropic|content)\s+polic(?:y|ies)\b.{0,80}\b(?:ignore|bypass|no\s+longer|don't\s+apply|not\s+apply)",
        r"(?:ohne|sans|sin|senza|sem|без)\s+(?:jegliche\s+|aucune\s+|ninguna\s+|alcuna\s+|nenhuma\s+)?(?:einschränkungen|zensur|restriction|restricciones|limiti|restrições|ограничений|цензуры)",
        r"(?:没有任何限制|没有限制|無制限|制限のない)",
        gate=_GATES["persona_soft"],
    ),
]

_PERSON = (
    r"(?:someone|somebody|a\s+person|people|persons|him|her|them|my\s+(?:\w+\s+)?(?:wife|husband|girlfriend|"
    r"boyfriend|ex|partner|boss|neighbou?r|teacher|classmate|coworker|colleague|roommate|mother|father|mom|dad|"
    r"son|daughter|child|kids?|family|sister|brother|friend|spouse)|a\s+(?:child|kid|baby|woman|man|girl|boy|"
    r"cop|police\s+officer|politician|judge|witness|stranger|homeless\s+person)|the\s+(?:president|"
    r"police|witness|judge|teacher)|(?:a|the)\s+crowd|civilians|protesters|jews|muslims|immigrants|"
    r"black\s+people|gay\s+people)"
    # "kill a child process", "kill the parent thread": a technical object, not a person.
    r"(?!\s+(?:process\w*|threads?|nodes?|elements?|components?|class\w*|widgets?|windows?|pids?|tasks?|jobs?))"
)
_VIOLENT_VERB = (
    r"(?:kill|murder|execute|terminate|strangle|choke|shoot|stab|poison|drown|hurt|harm|injure|torture|"
    r"kidnap|abduct|beat\s+up|attack|assault|maim|behead|slaughter|run\s+over|smash|suffocate|burn|"
    r"overpower|paralyze)"
)
# Harmful *requests*: a violent verb aimed at a person, building weapons or malware, buying drugs,
# self-harm methods. Checked in a small window; benign frames ("kill a process") never match
# because the object must be a person or a weapon/drug/malware noun.
HARM_RULES: list[Rule] = [
    *_rules(
        "violent_crimes",
        0.75,
        rf"\b{_VIOLENT_VERB}(?:s|ing)?\s+(?:\w+\s+){{0,2}}?{_PERSON}\b",
        r"\b(?:end|take)\s+(?:my\s+)?(?:\w+\s+)?(?:wife|husband|neighbou?r|boss|partner)'?s\s+life",
        gate=(
            "kill",
            "murder",
            "execut",
            "terminat",
            "strang",
            "chok",
            "shoot",
            "stab",
            "poison",
            "drown",
            "hurt",
            "harm",
            "injur",
            "tortur",
            "kidnap",
            "abduct",
            "beat",
            "attack",
            "assault",
            "maim",
            "behead",
            "slaughter",
            "run over",
            "smash",
            "suffocat",
            "bury",
            "burn",
            "eliminat",
            "take out",
            "get rid",
            "overpower",
            "paraly",
            "disable",
            "life",
        ),
    ),
    *_rules(
        "indiscriminate_weapons",
        0.8,
        r"\b(?:make|build|assemble|create|construct|manufacture|synthesi[sz]e|produce|obtain|get|buy|"
        r"detonate|plant|set\s+off)\w*\s+(?:a\s+|an\s+|some\s+)?(?!bath\b|seed\b|photo\b|glitter\b)(?:\w+\s+)?"
        r"(?:pipe\s+)?(?:bomb|explosive|"
        r"ied|grenade|nerve\s+agent|sarin|ricin|anthrax|bioweapon|chemical\s+weapon|nuclear\s+weapon|dirty\s+bomb|"
        r"napalm|molotov|thermite|mustard\s+gas|chlorine\s+gas|toxic\s+gas)s?\b(?!\s+(?:recipe\s+)?(?:for\s+)?"
        r"(?:bath|cake|cocktail\s+party))",
        gate=(
            "bomb",
            "explosiv",
            "ied",
            "grenade",
            "nerve",
            "sarin",
            "ricin",
            "anthrax",
            "weapon",
            "napalm",
            "molotov",
            "thermite",
            "gas",
        ),
    ),
    *_rules(
        "malware_cyber",
        0.75,
        r"\b(?:write|create|make|develop|build|code|program|spread|deploy|distribute|install|design|generate)\w*"
        r"\s+(?:a\s+|an\s+|some\s+|my\s+|the\s+)?(?:\w+\s+)?(?:malware|ransomware|virus|trojan|keylogger|botnet|"
        r"worm|rootkit|spyware|backdoor|exploit|phishing\s+(?:email|page|site|kit)|credential\s+stealer)s?\b",
        r"\b(?:hack|break)\s+into\s+(?:someone'?s?|somebody'?s?|my\s+(?:ex|wife|husband|neighbou?r|boss)'?s?|"
        r"(?:a|an|the|his|her|their)\s+(?:\w+\s+)?(?:account|email|phone|computer|network|server|system|"
        r"database|website|house|home|car|wifi|camera))",
        r"\b(?:to\s+)?(?:ddos|dos)\s+(?:a|the|my|this|someone'?s?|his|her|their)\s+(?:\w+\s+)?(?:site|website|server|"
        r"network|game|service)",
        gate=(
            "malware",
            "ransomware",
            "virus",
            "trojan",
            "keylogger",
            "botnet",
            "worm",
            "rootkit",
            "spyware",
            "backdoor",
            "exploit",
            "phishing",
            "stealer",
            "hack",
            "break into",
            "ddos",
            "dos ",
        ),
    ),
    *_rules(
        "non_violent_crimes",
        0.7,
        r"\b(?:buy|get|obtain|order|find|purchase|score|make|cook|synthesi[sz]e|grow|smuggle|sell)\w*\s+(?:some\s+|a\s+"
        r"(?:gram|bag|kilo|ounce)\s+of\s+)?(?:cocaine|coke|crack|heroin|meth|methamphetamine|fentanyl|mdma|"
        r"ecstasy|lsd|ketamine|opioids?|oxycodone|weed\s+illegally)\b",
        r"\b(?:launder|counterfeit|forge|shoplift|embezzle|smuggle)\w*\s+(?:money|bills?|cash|documents?|"
        r"passports?|ids?|goods|items|drugs|funds|from)",
        r"\b(?:steal|rob)(?:s|ing)?\s+(?:from\s+)?(?:(?:a|the|my|someone'?s?|people'?s?)\s+)?(?:\w+\s+)?"
        r"(?:money|cars?|credit\s+cards?|identit\w*|wallet|purse|passwords?|data|bank|store|shop|jewel\w*)\b",
        r"\b(?:without|not)\s+(?:getting\s+)?(?:caught|detected|noticed|being\s+traced)",
        gate=(
            "cocaine",
            "coke",
            "crack",
            "heroin",
            "meth",
            "fentanyl",
            "mdma",
            "ecstasy",
            "lsd",
            "ketamine",
            "opioid",
            "oxycodone",
            "weed",
            "launder",
            "counterfeit",
            "forg",
            "shoplift",
            "embezzl",
            "smuggl",
            "steal",
            "rob",
            "caught",
            "detected",
            "noticed",
            "traced",
        ),
    ),
    *_rules(
        "self_harm",
        0.7,
        r"\b(?:kill|hurt|cut|harm|hang|starve|poison|drown|shoot)\s+myself\b",
        r"\b(?:end|take)\s+my\s+(?:own\s+)?life\b",
        r"\b(?:commit|methods?\s+of|ways?\s+to\s+commit|painless)\s+suicide\b",
        gate=("myself", "my life", "my own life", "suicide"),
    ),
    *_rules(
        "hate",
        0.7,
        r"\b(?:jews|muslims|black\s+people|blacks|gay\s+people|gays|immigrants|women|asians|mexicans|arabs|"
        r"christians|trans\s+people|disabled\s+people)\s+(?:are|should\s+be)\s+(?:\w+\s+)?(?:inferior|"
        r"subhuman|animals|vermin|stupid|evil|criminals|exterminated|killed|deported|banned)",
        r"\b(?:why|prove|argument\s+that|essay\s+(?:on\s+)?(?:why|that))\s+(?:are\s+)?(?:jews|muslims|black\s+people|"
        r"gay\s+people|immigrants|women|asians|mexicans)\s+(?:are\s+)?(?:inferior|less\s+intelligent|stupid|"
        r"evil|criminals|dangerous|subhuman)",
        gate=(
            "jew",
            "muslim",
            "black",
            "gay",
            "immigrant",
            "women",
            "asian",
            "mexican",
            "arab",
            "christian",
            "trans",
            "disabled",
        ),
    ),
]
_GROUP = (
    r"(?:muslims|jews|christians|buddhists|hindus|sikhs|atheists|lesbians|gays?|gay\s+people|trans\w*(?:\s+people)?|"
    r"black\s+people|blacks|white\s+people|immigrants|refugees|women|asians|mexicans|arabs|roma|gypsies|"
    r"disabled\s+people|old\s+people|the\s+elderly|\w+\s+people)"
)
HARM_RULES += [
    *_rules(
        "violent_crimes",
        0.75,
        r"\b(?:commit|commiting|committing|carry\s+out|engage\s+in|plan|planning)\s+(?:a\s+|an\s+)?(?:\w+\s+)?"
        r"(?:murder|homicide|terrorism|terrorist\s+attack|massacre|genocide|mass\s+shooting|assassination)",
        r"\b(?:assassination\s+techniques|hitm[ae]n|hire\s+a\s+(?:hitman|killer))\b",
        r"\b(?:explod|detonat|bomb)ing\s+(?:a|an|the)\s+(?!test|exam|interview|audition)(?:\w+\s+)?"
        r"(?:bomb|concert|crowd|school|church|mosque|synagogue|base|building|station|airport|stadium|city)",
        gate=(
            "murder",
            "homicide",
            "terror",
            "massacre",
            "genocide",
            "shooting",
            "assassin",
            "hitm",
            "killer",
            "explod",
            "detonat",
            "bombing",
        ),
    ),
    *_rules(
        "indiscriminate_weapons",
        0.8,
        r"\b(?:construct|build|make|creat|produc|develop|process\s+for\s+(?:making|constructing|creating))\w*\s+"
        r"(?:an?\s+)?(?:\w+\s+)?(?:biological|chemical|nuclear|radiological)\s+weapons?\b",
        gate=("weapon",),
    ),
    *_rules(
        "non_violent_crimes",
        0.7,
        r"\b(?:set\s+up|make|create|run|start|commit|make\s+an?\s+undetectable)\w*\s+(?:an?\s+)?(?:\w+\s+)?"
        r"fraud(?:ulent)?\b",
        r"\b(?:recipe|make|making|creat\w*|produc\w*|synthes\w*|cook\w*)\s+(?:for\s+)?(?:\w+\s+)?illegal\s+drugs\b",
        gate=("fraud", "illegal drugs"),
    ),
    *_rules(
        "hate",
        0.7,
        rf"\b(?:why|reasons?\s+why)\s+(?:should\s+)?{_GROUP}\s+(?:should\s+)?(?:not|never|better\s+not)\s+"
        r"(?:be\s+)?(?:given|allowed|have|hold|vote|marry|work|enter|get|receive)",
        rf"\b{_GROUP}\s+(?:being|are|is)\s+(?:inherently\s+|naturally\s+)?(?:less\s+intelligent|inferior|"
        r"subhuman|genetically\s+inferior)",
        gate=(
            "should not",
            "should never",
            "better not",
            "not be given",
            "less intelligent",
            "inferior",
            "subhuman",
        ),
    ),
    *_rules(
        "privacy",
        0.7,
        r"\b(?:my|our)\s+(?:\w+\s+)?(?:date|gardener|neighbou?r|coworker|co-worker|colleague|employee|tenant|"
        r"classmate|ex|boss|landlord|nanny|doctor|teacher|cleaner|babysitter)'s\s+(?:\w+\s+)?(?:mental\s+health|"
        r"medical|health|immigration|criminal|sexual|financial|credit|social\s+security|home\s+address|"
        r"phone\s+number|password|bank|religio)",
        gate=("'s",),
    ),
]
# The same requests in other languages (the model sees them through char n-grams; these make
# sure the most dangerous ones are caught in languages absent from the training data).
HARM_RULES += [
    *_rules(
        "indiscriminate_weapons",
        0.8,
        r"(?:mach|bau|fai|fabri|hac|construi|costrui|fa|gör|bygg|buat|bikin|zrobi|zbudowa|yap|сдела|изготов|"
        r"собра|制造|做|作り|作る|صنع|maak|lav|tee|vyrob|fac|készít).{0,40}?(?:bomb|bombe|bomba|bom\b|бомб|"
        r"炸弹|炸彈|爆弾|قنبلة|pommi|bombă|sprengstoff|explosi|взрывчат)(?!\w*\s*(?:de\s+bain|de\s+baño|da\s+bagno|"
        r"de\s+banho|fürs\s+bad|bad\b|bath|de\s+semillas|de\s+graines))",
        r"(?:bomb|bombe|bomba|бомб|炸弹|爆弾|قنبلة).{0,30}?(?:mach|bau|fabri|hac|gör|buat|zrobi|yap|сдела|制造|作り方|"
        r"作る|صنع)",
        gate=("bom", "бомб", "炸", "爆", "قنبلة", "pommi", "spreng", "explosi", "взрыв"),
    ),
    *_rules(
        "violent_crimes",
        0.75,
        r"(?:vergift|empoisonn|envenen|avvelen|förgift|forgift|meracun|otru|zehirle|отрав|毒死|毒杀|毒殺|تسميم|"
        r"vergiftig|myrkyt)",
        gate=(
            "vergift",
            "empoison",
            "envenen",
            "avvelen",
            "förgift",
            "forgift",
            "meracun",
            "otru",
            "zehir",
            "отрав",
            "毒",
            "تسميم",
            "myrkyt",
        ),
    ),
    *_rules(
        "non_violent_crimes",
        0.7,
        r"(?:stehl|voler|robar|rubar|stjäl|stjæl|mencuri|curi|ukraś|ukrad|çal|украс|угнать|偷|盗|furtar|roubar)"
        r".{0,30}?(?:auto|voiture|coche|carro|macchina|bil\b|mobil|samoch|araba|машин|车|車|geld|argent|dinero|"
        r"soldi|pengar|uang|pieni|para|деньг|钱|お金)",
        gate=(
            "stehl",
            "voler",
            "robar",
            "rubar",
            "stjäl",
            "stjæl",
            "curi",
            "ukra",
            "çal",
            "укра",
            "угнать",
            "偷",
            "盗",
            "furtar",
            "roubar",
        ),
    ),
]
# A question about staying safe ("which chemicals should never be mixed") is not a request.
SAFETY_CONTEXT_RE = re.compile(
    r"\b(?:never|avoid|prevent|protect(?:ing)?|safely|safety|shouldn't|should\s+not|is\s+it\s+(?:safe|"
    r"dangerous|illegal)|what\s+happens\s+if|dangers?\s+of|risks?\s+of|how\s+to\s+recogni[sz]e|report)\b"
)
# A question about staying safe, narrower than SAFETY_CONTEXT_RE: no bare "never" or "avoid",
# which evasion shares ("and never get caught", "avoid detection").
SAFETY_QUESTION_RE = re.compile(
    r"\b(?:(?:should\s+)?never\s+(?:be\s+)?(?:mix|combin|swallow|touch|eat|drink)\w*|should(?:n't|\s+not)\s+"
    r"be\s+(?:mixed|combined|used)|is\s+it\s+(?:safe|dangerous)|dangers?\s+of|risks?\s+of|"
    r"how\s+(?:to|do\s+i|can\s+i)\s+(?:recogni[sz]e|spot|prevent|protect)|prevent\w*|protect\w*\s+"
    r"(?:myself|yourself|ourselves|my|your|our|against|from)|safety\s+(?:tips|precautions|rules))\b"
)
_LEET_FOLD = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})

HARM_WINDOW = 600  # harmful requests are short; attack framings are handled by RULES
# Fiction, games and history talk about violence without asking for it.
FICTION_OR_HISTORY_RE = re.compile(
    r"\b(?:in|from|during)\s+(?:the\s+)?(?:\w+\s+)?(?:game|video\s+game|movie|film|novel|book|series|"
    r"show|gta|call\s+of\s+duty|witcher|minecraft|fortnite|skyrim|zelda|battlefield|halo|war|history)\b|\bwhy\s+did\b|"
    r"\b(?:did|were|was)\s+(?:they|he|she|people)\b|\bworld\s+war\b|\bhistor(?:y|ical)\b"
)

# Obfuscation: long base64-looking runs, or words that mix letters and leet digits.
# Case matters for base64, so it runs on the original text (and only when a long unbroken run exists).
BASE64_RE = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")
LEET_WORD_RE = re.compile(r"\b(?=\w*[a-z])(?=\w*[013457@$])[a-z013457@$]{4,}\b")

_W = r"(?:\w*)"
HAZARD_LEXICON: dict[str, re.Pattern] = {
    name: re.compile(pattern, re.UNICODE)
    for name, pattern in {
        # After the English terms, each hazard names the core terms in other languages (inflected
        # stems where the language inflects): words written with spaces inside the \b group,
        # Chinese, Japanese, Thai and Arabic (prefixes written together with the word) as bare
        # terms after it. Kept lean on purpose: hazard_hits runs one str.find per literal start
        # (match_starts) on every harmful-looking prompt, so every term costs time on every window.
        "indiscriminate_weapons": r"\b(?:bomb|explosive|detonat|nuclear\s+weapon|dirty\s+bomb|"
        r"chemical\s+weapon|nerve\s+agent|sarin|vx\s+gas|anthrax|bioweapon|biological\s+weapon|ricin|mustard\s+gas|napalm|"
        r"enrich\w*\s+uranium|pipe\s+bomb|molotov|tnt|c4\b|c-4\b"
        r"|sprengstoff|sprengs[aä]tz"  # de
        r"|explosi(?:[fv]|e[fv])|esplosiv|exploziv|springstof"  # fr/es/pt/it/ro/nl
        r"|arm(?:as?|es?|i)\s+(?:qu[ií]mic|chimi|biol[oó]gic|nucl[eé]a)"  # fr/es/pt/it/ro: chemical weapons
        r"|gas nervino"
        r"|wybuchow|výbušn|patlay[ıi]c[ıi]"  # pl/cs/tr
        r"|взрывчат|взрывн\w*\s+устройств|вибух[іо]|химическ\w*\s+оружи|нервно-паралит"  # ru/uk
        r"|βόμβ|εκρηκτικ"  # el
        r"|pommi|robbanó(?:anyag|szer|eszköz)|robbantás|spräng[äml]"  # fi/hu/sv (not robbanómotor)
        r"|peledak|bomu\b|thuốc\s+nổ"  # id/sw/vi
        r"|폭탄|폭발물"  # ko
        r"|बम(?=\s|ों|बार|[,.?!।]|$)|विस्फोटक|বোমা|বিস্ফোরক"  # hi/bn
        r"|بمب|منفجر|دھماکہ\s*خیز"  # fa/ur
        # he: making a bomb, bombs, explosives (not "you look like a bomb", a compliment)
        r"|(?:להכין|מכינים|מכין|לבנות|בונים|לייצר|להרכיב|להניח)\s+(?:\S+\s+)?פצצ|פצצת|פצצות|חומרי?\s+נפץ"
        r")|bombe|bomba|бомб|炸弹|炸藥|爆弾|قنبلة"
        r"|炸药|炸彈|爆炸物"  # zh
        r"|爆発物"  # ja
        r"|متفجر"  # ar
        r"|วัตถุระเบิด",  # th
        "malware_cyber": r"\b(?:malware|ransomware|virus|trojan|keylogger|botnet|ddos|dos\s+attack|exploit|"
        r"hack|phishing|sql\s+injection|backdoor|rootkit|worm|spyware|brute[\s-]?force|zero[\s-]?day|"
        r"crack\w*\s+(?:password|wifi|wi-fi)|steal\w*\s+(?:password|credential|cookie)s?|credential\s+stuffing"
        r"|logiciel\w*\s+malveillant|software\s+malicios|robar\s+(?:\w+\s+)?contraseñas?"  # fr/es/pt
        r"|roubar\s+(?:\w+\s+)?senhas?|vírus"
        r"|schadsoftware|złośliw\w*\s+oprogramow|zhakow"  # de/pl
        r"|kötü\s+amaçlı|oltalama|κακόβουλ|haittaohjelm"  # tr/el/fi
        r"|вредонос|фишинг|взлом|хакер"  # ru/uk
        r"|meretas|mã\s+độc"  # id/vi
        r"|해킹|랜섬웨어"  # ko
        r"|मैलवेयर|हैक|হ্যাক"  # hi/bn
        r"|بدافزار|هک[\u200c\s]*(?:کرد|کن)|ہیک|נוזק)"  # fa/ur/he
        r"|\b(?:malicious|payloads?|cyberweapons?|deface\w*|cryptomining|boot\s+sector)\b|вирус|木马|病毒|ハッキング"
        r"|恶意软件|勒索软件|黑客|钓鱼邮件"  # zh
        r"|マルウェア|ランサムウェア"  # ja
        # ar: hacking an account, site, network, device, phone or mail (not "a scientific breakthrough")
        r"|اختراق\s+(?:ال)?(?:حساب|موقع|شبك|جهاز|هاتف|بريد)|يخترق|أخترق|برنامج\s+(?:ال)?فدية"
        r"|มัลแวร์|แฮ็?(?:ก|ค)",  # th
        "child_exploitation": r"\b(?:child|minor|underage|kid|preteen|teen\w*|schoolgirl|schoolboy)\b.{0,60}"
        r"\b(?:sex|nude|naked|explicit|porn|erotic|grooming)\w*|\b(?:sex|nude|naked|explicit|porn)\w*\b.{0,60}"
        r"\b(?:child|minor|underage|kid|preteen)s?\b|\bcsam\b|\bgroom\w*\s+(?:a\s+)?(?:child|minor|kid)"
        r"|\b(?:(?:kinder|enfant|niñ[oa]s?\b|menores\b|bambin"  # child near a sexual word, both orders
        r"|criança|infantil|dziec|дет(?:и|ей|ск)|реб[её]н|діт(?:и|ей)|çocu|παιδ[ιί]|anak\b|trẻ\s+em|아동"
        r"|미성년|बच्च|শিশু)\w*\b.{0,60}?\b(?:sex[eouy]|sexual|sessu|seksu|seks\b|porn|nackt(?!schneck|mull)|naakt|desnud"
        r"|nud[ai]\b|nues?\b|nuas?\b|nag(?:ie|ich|o)\b|intim(?!id)|голы|голых|обнаж|оголен|секс|порн|интим|інтим"
        r"|çıplak|müstehcen|cinsel|σεξ|πορν|γυμν(?:ός|ή|ό|ά|ές)\b|telanjang|bugil|cabul|khỏa\s+thân"
        r"|khoả\s+thân|khiêu\s+dâm|tình\s+dục|성적|성관계|음란|포르노|누드|나체|यौन|अश्लील|नग्न|पोर्न|যৌন"
        r"|অশ্লীল|নগ্ন)|(?:sex[eou]|sessu|seksu|porn|nackt(?!schneck|mull)|desnud|секс|порн|çıplak|σεξ|tình\s+dục|성적|यौन"
        r"|যৌন)\w*\b.{0,60}?\b(?:kinder|enfant|niñ[oa]s?\b|menores\b|bambin|criança|infantil|dziec"
        r"|дет(?:и|ей|ск)|реб[её]н|діт(?:и|ей)|çocu|παιδ[ιί]|anak\b|trẻ\s+em|아동|미성년|बच्च|শিশু)"
        r"|pedofil|pédophil|pädophil|педофил|kinderporn"  # pedophile
        r"|ילד\S*.{0,50}?(?:מינית|פורנו|עירום)|کودک\S*.{0,50}?(?:جنسی(?!ت)|پورن|برهنه))"  # he/fa
        r"|儿童色情|兒童色情|恋童|児童ポルノ"  # zh/ja
        r"|إباحي\S*.{0,50}?(?:طفل|أطفال|اطفال|قاصر)|أطفال\S*.{0,50}?(?:إباحي|اباحي|عاري|جنسي(?!ة))"  # ar
        r"|เด็ก.{0,30}?(?:อนาจาร|ลามก|ทางเพศ|โป๊(?!ว))",  # th
        "sex_crimes": r"\b(?:rape|sexual(?:ly)?\s+assault|sex\s+traffick|non-?consensual|revenge\s+porn|"
        r"secretly\s+(?:record|film)\w*|upskirt|drug\s+(?:her|his|someone's)\s+drink|roofie"
        r"|vergewaltig|verkracht|våldt"  # de/nl/sv
        r"|viols?\b|violeur|violador|violar\s+a\s|estupr|abus\w*\s+(?:sexu|sessu)"  # fr/es/pt/it
        r"|zgwałc|gwałt(?:u|em|y|ów|ciciel\w*)?\b|znásiln"  # pl/cs
        r"|изнасил|зґвалт"  # ru/uk
        r"|tecavüz|βιασμ(?!έν)|raisk"  # tr/el/fi (not βιασμένος, "in a hurry")
        r"|hiếp\s+dâm|강간"  # vi/ko
        r"|बलात्कार|ধর্ষ|تجاوز\s+(?:جنسی|به\s+عنف)|عصمت\s*دری|אונס(?!ק))"  # hi/bn/fa/ur/he
        r"|强奸|強姦|性侵|レイプ"  # zh/ja
        r"|اغتص|ข่มขืน|perkosa",  # ar/th/id
        "self_harm": r"\b(?:lethal\s+dose|suicide|kill\s+myself|self[\s-]?harm|cut\s+myself|end\s+my\s+life|"
        r"hurt\s+myself|"
        r"starve\s+myself|pro[\s-]?ana|overdose\s+on)\b"
        r"|\b(?:suic[ií]d|suizid|selbstmord|zelfmoord|självmord|sinucid"  # fr/es/pt/it/ro/de/nl/sv
        # de: kill or hurt myself (not "lift boxes without hurting myself")
        r"|mich\s+(?:selbst\s+)?(?:\w+\s+)?(?:umbringen|töten|ritzen)|mich\s+selbst\s+verletzen"
        r"|me (?:suicider|tuer)|matarme|uccidermi"
        r"|samobój|sebevra[žz]d"  # pl/cs
        r"|суицид|суїцид|самоубийств|поконч\w*\s+с\s+собой"  # ru/uk
        r"|intihar|i\u0307ntihar|αυτοκτον|itsemurh|öngyilkos"  # tr/el/fi/hu
        r"|bunuh\s+diri|tự\s+(?:tử|sát)|자살"  # id/vi/ko
        r"|आत्महत्या|আত্মহত্যা|خودکشی|התאבד)"  # hi/bn/fa/ur/he
        r"|自杀|自殺|割腕|死にたい"  # zh/ja
        r"|نتحار|نتحر|ฆ่าตัวตาย",  # ar/th
        "hate": r"\b(?:racist|racial\s+slur|slurs?|hate\s+speech|inferior\s+race|white\s+supremac\w*|"
        r"ethnic\s+cleansing|nazi\w*|antisemit\w*|genocide\s+(?:of|against)|subhuman|"
        r"(?:jews|muslims|black\s+people|gays?|immigrants|women|asians|mexicans)\s+(?:are|should)|"
        r"equal\s+rights|(?:not|never)\s+be\s+(?:allowed|given)|less\s+intelligent|go\s+back\s+to\s+their|"
        r"derogat\w*|demean\w*|degrading|incit\w*\s+(?:hate|hatred|violence|conflict)|"
        r"offensive\s+(?:jokes?|memes?|content)"
        r"|rasis|rassis[tm]|antisémit|ırkçı|расист|ρατσισ"  # racism (not "pain rassis")
        r"|untermensch|volksverhetz"  # de
        r"|disc(?:urso|ours|orso)\w*\s+(?:de|d'|di)\s*(?:haine|[oó]dio|odio)"  # fr/es/pt/it
        r"|raz(?:a|za)s?\s+inferior|limpieza\s+étnica|pulizia\s+etnica"
        r"|etni\w*\s+(?:zuivering|rensning|čistk|temizlik|tisztogatás)"  # ethnic cleansing
        r"|недочелов|разжигани\w*\s+(?:\w+\s+)?ненавист"  # ru
        r"|nefret\s+söylem|ujaran\s+kebencian|phân\s+biệt\s+chủng\s+tộc"  # tr/id/vi
        r"|인종\s*(?:청소|차별)|नस्लवा|বর্ণবাদ"  # ko/hi/bn
        r"|نژاد[\u200c\s]?پرست|نسل\s*پرست|גזענ)"  # fa/ur/he
        r"|种族清洗|种族歧视|ヘイトスピーチ"  # zh/ja
        r"|عنصري(?!ن)|เหยียด(?:เชื้อชาติ|ผิว)",  # ar/th
        "violent_crimes": r"\b(?:threaten\w*|kill|murder|assassinat\w*|stab|shoot|kidnap|torture|poison|"
        r"strangle|"
        r"beat\s+(?:up|someone)|massacre|terror\w*|mass\s+shooting|hurt\s+(?:someone|people|him|her)|"
        r"attack\s+(?:someone|people|a\s+person)|execut\w*\s+(?:a|the|my|some|him|her|them|people|someone)|"
        r"terminat\w*\s+(?:a|my|the)\s+(?:\w+'?s\s+)?life|eliminat\w*\s+(?:the\s+)?(?:president|"
        r"people|him|her|them|someone|a\s+person)|liquidat\w*\s+(?:a\s+group|people)|butcher\w*\s+(?:a\s+)?"
        r"human|blow\s+up\s+(?:a|the|my)\s+(?:house|building|car|school|church|office)|behead|slaughter|"
        r"lynch|choke|drown|suffocat|overpower|wipe\s+out|insurgen|civilian\s+casualt|weaponi[sz]ed|silencer|"
        r"firearm|guerr?illa\s+warfare|take\s+out\s+(?:joe|the\s+president|\w+\s+biden|"
        r"trump|a\s+politician)|genocide|hostage|arson"
        r"|tortur|teror|terör|assassin|asesin|homic[ií]d|secuestr|attentat"  # shared stems
        r"|empoisonn|envenen|avvelen"  # poison
        r"|meurtr|tuer\s+(?:mon|ma|mes|quelqu'un|une\s+personne)\b|matar\s+a\s"  # fr/es/it
        r"|uccider(?:e|lo|la|li)\b"
        r"|ermord|umbring|mord(?:e|es|en)?\b|mörd(?:er|a)|moord|vergiftig"  # de/nl/sv
        r"|zamordow|zabić\s+(?:\w+\s+)?(?:kogoś|człowiek|żon|męż|sąsiad|ludzi)|otru|vražd"  # pl/cs
        r"|убийств|убийц|убить\s+(?:\w+\s+)?(?:человек|кого|жену|мужа|сосед|людей)|террор"  # ru
        r"|вбивств|вбити\s+(?:\w+\s+)?(?:людин|когось|дружин|чоловік|сусід)|терор"  # uk
        r"|öldür|cinayet|σκοτώ|δολοφον"  # tr/el
        r"|murha|megöl|gyilkos|omor"  # fi/hu/ro
        r"|membunuh|meracun|patayin|kuua\b|giết"  # id/tl/sw/vi
        r"|살인|죽이"  # ko
        r"|हत्या|जहर|হত্যা"  # hi/bn
        r"|کشتن|ترور|دہشت\s*گرد"  # fa/ur
        r"|רצח|להרוג"  # he
        r")\w*|vergiften|empoisonner|envenenar|отравить|杀人|殺す"
        r"|谋杀|绑架|下毒|殺害|殺人"  # zh/ja
        r"|قتل|أسمم|إرهاب|ฆ่า(?!เชื้อ|ตัวตาย)",  # ar/th
        "non_violent_crimes": r"\b(?:steal|theft|rob|robbery|fraud|scam|launder|counterfeit|smuggl\w*|"
        r"meth\w*|cocaine|heroin|fentanyl|shoplift|tax\s+evasion|forge|forgery|brib\w*|embezzl\w*|blackmail|"
        r"extort\w*|fake\s+id|illegal\w*|pirat\w*|drugs?|evade\s+(?:police|taxes|the\s+law)|"
        r"without\s+getting\s+caught|untraceable|insider\s+trading|ponzi|crack\s+cocaine|coke|"
        r"get\s+(?:some\s+)?crack|mdma|lsd|ecstasy|cartel|trafficking|bribe|cheat\w*\s+(?:on\s+)?(?:an?\s+)?"
        r"(?:exam|test|taxes)|evade|evasion|fake\s+(?:id|passport|documents?)|pickpocket|burglar\w*|break\s+into|"
        r"unlawful\w*|fraudulent|(?:gambling|pyramid)\s+scheme"
        r"|coca[iíï]n|kokai|fentan|kartel(?!a|lrecht|lamt|lbeh)|narcot|narkot|drogas\b|drogue(?!r)"  # drugs
        r"|falsific|contraban|extors"  # shared stems
        r"|escroqu|estafa|soborn|robar|roubar|lava(?:do|r|gem)\s+(?:de\s+)?(?:dinero|dinheiro)"  # fr/es/pt
        r"|blanqueo\s+de\s+(?:capitales|dinero)|blanchi(?:ment|r)\s+(?:de\s+)?(?:d'|l')argent"
        r"|billetes\s+falsos"
        r"|rauschgift|drogen\s+(?:\w+\s+){0,3}?(?:kaufen|verkaufen|herstellen|schmuggeln)"  # de/nl
        r"|geldwäsche|falschgeld|betrüg|erpress|stehlen|witwass"
        r"|oszust|kradzież|ukraść"  # pl
        r"|наркот|отмы[вт]\w*\s+(?:\w+\s+)?(?:денег|деньги)"  # ru/uk
        r"|фальшив\w*\s+(?:деньг|купюр|гроші|грошей)|мошенни|вымогател|шахрай|украсть"
        r"|uyuşturucu|dolandırıc|hırsız|ναρκωτικ|απάτη"  # tr/el
        r"|narkoba|penipuan|mencuri|ma t(?:úy|uý)|lừa\s+đảo"  # id/vi
        r"|마약(?!김밥|떡볶이)|돈세탁|ड्रग्स|चोरी|মাদক"  # ko/hi/bn
        r"|مواد\s+مخدر|پول[\u200c\s]?شویی|کلاهبرداری|منشیات|סמים|הלבנת\s+הון)"  # fa/ur/he
        r"|metanfetamina|冰毒|毒品"
        r"|洗钱|假钞|诈骗|走私|贩毒"  # zh
        r"|麻薬|覚醒剤|詐欺"  # ja
        r"|مخدر|غس(?:ي)?ل\s+(?:ال)?أموال|تزوير|سرق"  # ar
        r"|ยาเสพติด|ฟอกเงิน",  # th
        "privacy": r"\b(?:home\s+address|phone\s+number|social\s+security|ssn|personal\s+data|dox\w*|"
        r"track\s+(?:someone|my\s+(?:ex|wife|husband|girlfriend|boyfriend))|stalk\w*|spy\s+on|"
        r"private\s+(?:information|details|messages)|location\s+of\s+(?:my|this|a)\s+(?:ex|person|neighbou?r)|"
        r"mental\s+health\s+history|immigration\s+status|criminal\s+record|sexual\s+orientation|"
        r"medical\s+records?|bank\s+(?:details|account\s+number)|credit\s+card\s+(?:details|number)|"
        r"(?:email|instagram|facebook)\s+password|date\s+of\s+birth"
        r"|(?:rastrear|localizar|localiser|localizzare|suivre)\s+(?:el\s+|le\s+|il\s+"  # someone's phone
        r"|o\s+)?(?:celular|móvil|teléfono|telefone|téléphone|portable|cellulare|telefono)\s+(?:de|del|da"
        r"|di|della|do)\b"
        r"|handy\s+(?:meiner|meines|seiner|seines|ihrer|ihres|von)\s+(?:\w+\s+){1,2}?(?:orten"  # de
        r"|überwach|ausspionier|tracken)|privatadresse"
        r"|dirección\s+(?:de\s+(?:su\s+)?casa|particular)"  # es
        r"|pesel|деанон|домашн\w*\s+адрес|alamat\s+rumah"  # pl/ru/id
        r"|melacak\s+(?:hp|ponsel|lokasi)\s+(?:\w+\s+)?(?:orang|pacar|istri|suami|mantan|dia)"
        r"|신상\s*털|주민(?:등록)?번호|घर\s+का\s+पता|כתובת\s+(?:ה)?(?:מגורים|בית))"  # ko/hi/he
        r"|家庭住址|人肉|身份证号|跟踪(?!快递|订单|物流|包裹)|住所\S{0,3}特定"  # zh/ja
        r"|عنوان\s+(?:ال)?(?:منزل|سكن|بيت)|تتبع\s+هاتف\s+\S",  # ar
        "intellectual_property": r"\b(?:pirat\w*|torrent|crack\w*\s+(?:software|licen[cs]e)|copyrighted|"
        r"full\s+(?:text|lyrics)\s+of|lyrics\s+of|bypass\s+drm|keygen|plagiari\w*|passage\s+from"
        r"|plagi|raubkop|пиратск)"  # plagiarism, piracy
        r"|盗版|破解版|海賊版",  # zh/ja
        "defamation": r"\b(?:defam\w*|slander\w*|libel\w*|false\s+(?:rumou?rs?|claims?|accusations?)|"
        r"ruin\s+(?:his|her|their)\s+reputation|fake\s+(?:story|news|article)\s+(?:about|claiming)"
        r"|difam|diffam|calomni|calumni"  # fr/es/pt/it/ro
        r"|verleumd|rufmord|zniesławi"  # de/pl
        r"|клевет|наклеп|δυσφήμ|iftira|phỉ\s+báng"  # ru/uk/el/tr/vi
        r"|명예\s*훼손|मानहानि|تهمت|הוצאת\s+דיבה)"  # ko/hi/fa/he
        r"|诽谤|誹謗|造谣|名誉毀損"  # zh/ja
        r"|تشهير|หมิ่นประมาท",  # ar/th
        "specialized_advice": r"\b(?:legal\s+advice|medical\s+advice|financial\s+advice|investment\s+advice|"
        r"diagnos\w*|prescri\w*|dosage|should\s+i\s+(?:invest|buy|sell)|lawsuit|sue\s+my|"
        r"which\s+stocks?|treat\s+my|cure\s+my)",
        "sexual_content": r"\b(?:porn\w*|explicit\s+sex\w*|erotic\w*|sex\s+scene|nude|nsfw|sexual\w*|"
        r"orgasm|fetish|adult\s+(?:content|industry|movies?|films?|websites?|entertainment)"
        r"|sexuell|sexuel|sessual|seksu|szex"  # de/fr/it/pl/nl/id/fi/hu
        r"|érot|erotis|nackt(?!schneck|mull)|desnud"  # erotic, naked
        r"|khiêu\s+dâm|tình\s+dục"  # vi
        r"|секс(?!т)|порн|σεξ"  # ru/uk/el
        r"|포르노|섹스|पोर्न|सेक्स(?!त)|পর্ন"  # ko/hi/bn
        r"|پورن|פורנו|סקס(?!ט))"  # fa/he
        r"|色情|做爱|エロ(?!ー)|ポルノ"  # zh/ja (not イエロー, "yellow")
        r"|إباحي|سكس(?!ت)|โป๊(?!ว)",  # ar/th
        "elections": r"\b(?:election|ballot|voter|voting|vote|campaign|candidate|political|lobby\w*|"
        r"propaganda|disinformation|misinformation"
        r"|wahl(?:betrug|fälsch|manipul)"  # de
        r"|desinformation|désinformation|desinformaci|dezinform"  # disinformation
        r"|élection|elector|elecciones|bầu\s+cử"  # election(s)
        # ru/ko/hi (चुनाव alone also means "choice")
        r"|выбор(?:ы|ов|ах|ам)\b|дезинформац|선거|चुनाव\s+(?:में|के|आयोग|प्रचार)"
        r")\w*"
        r"|الانتخاب|בחירות|选举|選挙|เลือกตั้ง",  # ar/he/zh/ja/th
        "code_interpreter_abuse": r"(?:os\.system|subprocess\.|rm\s+-rf\s+/|/etc/(?:passwd|shadow)|"
        r"fork\s+bomb|escape\s+(?:the\s+)?(?:sandbox|container)|reverse\s+shell|__import__\(|eval\(.*input)",
    }.items()
}

# A scary verb aimed at a technical or everyday object is (usually) not a threat.
BENIGN_CONTEXT_RE = re.compile(
    r"\b(?:kill|terminate|abort|execute|shoot|attack|destroy|crush|murder|nuke|beat|blow\s+up|hang|gut|"
    r"strangle|eliminate|hijack|exploit)\w*\s+(?:(?:a|an|the|all|my|this|that|these|those|every|its)\s+)?"
    r"(?:\w+\s+)?(?:process\w*|thread\w*|pid|jobs?|tasks?|containers?|pods?|programs?|services?|commands?|"
    r"scripts?|queries|query|sessions?|photos?|pictures?|portraits?|videos?|scenes?|time|weeds?|"
    r"competition|interview|exam|test|boss|level|dragon|opening|balloons?|fish|mirror|bugs?|"
    r"deadlines?|presentation|hard\s+drive|data)\b",
    re.UNICODE,
)


# Attack markers sit at the start or the end of a prompt (or of a pasted document); scanning a
# head and a tail window keeps the regex cost bounded for 8 KB prompts.
HEAD_CHARS = 1500
TAIL_CHARS = 700
HAZARD_CHARS = 1500  # harmful requests are short; the lexicon only names the category


def scan_window(text: str) -> str:
    """The casefolded part of the prompt the rules look at (all patterns are lower-case)."""
    if len(text) > HEAD_CHARS + TAIL_CHARS:
        text = text[:HEAD_CHARS] + "\n" + text[-TAIL_CHARS:]
    return text.lower()  # not casefold(): that rewrites the Greek final sigma the patterns spell


def rule_scores(window: str, original: str = "") -> dict[str, float]:
    """Category → score from the curated attack markers (only the categories that matched).
    `window` comes from `scan_window`; `original` (case kept) is used for the base64 check."""
    scores: dict[str, float] = {}
    gates: dict[int, bool] = {}
    for rule in RULES:
        if rule.score <= scores.get(rule.category, 0.0):
            continue
        key = id(rule.gate)
        if key not in gates:
            gates[key] = not rule.gate or any(token in window for token in rule.gate)
        if not gates[key]:
            continue
        if rule.matches(window):
            scores[rule.category] = rule.score
    head = window[:HARM_WINDOW]
    leet_words = len(LEET_WORD_RE.findall(head))
    if leet_words >= 2:
        head = head.translate(_LEET_FOLD)  # "h0w d0 1 m4k3 4 b0mb" → "how do i make a bomb"
    _harm_rule_scores(head, scores)
    if original and BASE64_RE.search(original[: HEAD_CHARS + TAIL_CHARS]):
        scores["jailbreak"] = max(scores.get("jailbreak", 0.0), 0.35)
    if leet_words >= 3:
        scores["jailbreak"] = max(scores.get("jailbreak", 0.0), 0.45)
    return scores


def _harm_rule_scores(head: str, scores: dict[str, float]) -> None:
    if FICTION_OR_HISTORY_RE.search(head):
        return
    safety = SAFETY_CONTEXT_RE.search(head) is not None
    for rule in HARM_RULES:
        if safety and rule.category != "hate":
            continue
        gated = any(t in head for t in rule.gate)
        if gated and rule.score > scores.get(rule.category, 0.0) and rule.matches(head):
            scores[rule.category] = rule.score


_HAZARD_STARTS = {name: match_starts(pattern) for name, pattern in HAZARD_LEXICON.items()}
# Most prompts are plain ASCII, and then no start in another script can occur: scanning only the
# ASCII starts keeps the English hot path from paying for the other languages' terms.
_HAZARD_ASCII_STARTS = {
    name: None if starts is None else tuple(s for s in starts if s.isascii())
    for name, starts in _HAZARD_STARTS.items()
}


def count_matches(pattern: re.Pattern, starts: tuple[str, ...] | None, text: str) -> int:
    """`len(pattern.findall(text))` for a pattern whose matches are never empty, trying the
    pattern only where one of `starts` occurs (see Rule.matches), left to right and never
    inside the previous match, as findall does."""
    if starts is None or len(text) < 300:  # below a few hundred characters findall is as fast
        return len(pattern.findall(text))
    count, end = 0, 0
    for position in sorted(set(occurrences(text, starts))):
        if position < end:
            continue
        found = pattern.match(text, position)
        if found:
            count += 1
            end = max(found.end(), position + 1)
    return count


def hazard_hits(window: str) -> dict[str, int]:
    """Hazard category → number of lexicon hits (which kind of harm the prompt is about)."""
    hits = {}
    window = window[:HAZARD_CHARS]
    starts = _HAZARD_ASCII_STARTS if window.isascii() else _HAZARD_STARTS
    for name, pattern in HAZARD_LEXICON.items():
        if starts[name] == ():  # nothing this category names can start in this text
            continue
        count = count_matches(pattern, starts[name], window)
        if count:
            hits[name] = count
    return hits


def benign_context(window: str) -> bool:
    return BENIGN_CONTEXT_RE.search(window) is not None
