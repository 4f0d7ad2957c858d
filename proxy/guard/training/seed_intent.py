# ruff: noqa: RUF001  (full-width punctuation and non-Latin letters are part of the examples)
"""More intent examples, written for this project (CC0): maths and coding requests in many
languages and notations.

Why: the ordinary-instruction sets in ../shared/eval are English (gsm8k, MBPP, CoNaLa, ...), so
the intent head learned maths as "an English word problem" and coding as "English + code". A
maths problem in Vietnamese, a LaTeX exercise or a Russian question about a bug read as
general chat. These are compositional: question shapes per language crossed with quantities,
functions and tasks, sampled with a fixed seed.
"""

from __future__ import annotations

import random
from itertools import product

SEED = 20261122

# --- maths -------------------------------------------------------------------------------------

# Word problems: {n} a name, {a} {b} {c} numbers.
_WORD_PROBLEMS = {
    "en": [
        "{n} has {a} marbles and gives {b} to a friend. How many marbles are left?",
        "A shop sells pens at {a} dollars each. How much do {b} pens cost?",
        "A car travels {a} km in {b} hours. What is its average speed?",
    ],
    "de": [
        "{n} hat {a} Murmeln und schenkt {b} davon einem Freund. Wie viele bleiben übrig?",
        "Ein Zug fährt {a} km in {b} Stunden. Wie hoch ist die Durchschnittsgeschwindigkeit?",
    ],
    "fr": [
        "{n} a {a} billes et en donne {b} à un ami. Combien lui en reste-t-il ?",
        "Un cahier coûte {a} euros. Combien coûtent {b} cahiers ?",
    ],
    "es": [
        "{n} tiene {a} canicas y regala {b}. ¿Cuántas canicas le quedan?",
        "Un tren recorre {a} km en {b} horas. ¿Cuál es su velocidad media?",
    ],
    "it": ["{n} ha {a} biglie e ne regala {b}. Quante biglie le restano?"],
    "pt": ["{n} tem {a} bolinhas e dá {b} para um amigo. Quantas bolinhas sobram?"],
    "nl": ["{n} heeft {a} knikkers en geeft er {b} weg. Hoeveel knikkers blijven er over?"],
    "pl": ["{n} ma {a} kulek i oddaje {b} koledze. Ile kulek mu zostało?"],
    "tr": ["{n}'in {a} bilyesi var ve {b} tanesini arkadaşına veriyor. Kaç bilyesi kalır?"],
    "ru": [
        "У {n} было {a} конфет, он отдал {b} другу. Сколько конфет у него осталось?",
        "Поезд проехал {a} км за {b} часа. Найдите среднюю скорость поезда.",
    ],
    "vi": [
        "{n} có {a} viên bi và cho bạn {b} viên. Hỏi {n} còn lại bao nhiêu viên bi?",
        "Một cửa hàng bán {a} quyển vở mỗi ngày. Hỏi trong {b} ngày cửa hàng bán được bao nhiêu quyển?",
    ],
    "zh": [
        "小明有{a}个苹果，给了同学{b}个，还剩多少个？",
        "一辆汽车{b}小时行驶了{a}千米，求它的平均速度。",
    ],
    "ja": ["{n}さんはあめを{a}個持っていて、{b}個を友だちにあげました。残りは何個ですか。"],
    "ko": ["{n}는 사탕 {a}개를 가지고 있고 친구에게 {b}개를 주었습니다. 남은 사탕은 몇 개입니까?"],
    "id": ["{n} punya {a} kelereng dan memberikan {b} kepada temannya. Berapa kelereng yang tersisa?"],
    "hi": ["{n} के पास {a} कंचे हैं और वह {b} अपने दोस्त को देता है। उसके पास कितने कंचे बचे?"],
    "ar": ["لدى {n} {a} كرة زجاجية وأعطى صديقه {b}. كم كرة بقيت معه؟"],
}
_NAMES = ["Anna", "Minh", "Li", "Omar", "Sofia", "Kenji", "Priya", "Lucas"]

# Exercises with notation: {f} a function, {p} a polynomial, {m} a matrix.
_EXERCISES = {
    "en": [
        "Find the derivative of $f(x) = {f}$.",
        "Compute $\\int_0^1 {f}\\,dx$.",
        "Let $p(x) = {p}$. Find all real roots of $p$.",
        "Prove that for every integer $n \\ge 1$, $1 + 2 + \\dots + n = n(n+1)/2$.",
        "Find the eigenvalues and eigenvectors of $A = {m}$.",
        "Determine whether the series $\\sum_{{n=1}}^\\infty \\frac{{1}}{{n^2}}$ converges.",
        "A fair die is rolled {a} times. What is the probability of getting at least one six?",
        "Provide a sample calculus problem about {topic} with a worked solution.",
    ],
    "de": [
        "Berechne die Ableitung von $f(x) = {f}$.",
        "Bestimme alle Nullstellen von $p(x) = {p}$.",
        "Zeige, dass die Reihe $\\sum 1/n^2$ konvergiert.",
    ],
    "fr": [
        "Calculer la dérivée de $f(x) = {f}$.",
        "Déterminer les racines réelles du polynôme $p(x) = {p}$.",
        "Soit $A = {m}$. Calculer les valeurs propres de $A$.",
    ],
    "es": [
        "Calcula la derivada de $f(x) = {f}$.",
        "Encuentra las raíces del polinomio $p(x) = {p}$.",
    ],
    "ru": [
        "Найдите производную функции $f(x) = {f}$.",
        "Вычислите интеграл $\\int_0^1 {f}\\,dx$.",
        "Докажите, что уравнение $p(x) = {p} = 0$ имеет хотя бы один действительный корень.",
    ],
    "zh": [
        "求函数 $f(x) = {f}$ 的导数。",
        "已知矩阵 $A = {m}$，求 $A$ 的特征值。",
        "证明：对任意正整数 $n$，$1 + 3 + \\dots + (2n-1) = n^2$。",
    ],
    "ja": ["関数 $f(x) = {f}$ を微分しなさい。", "方程式 ${p} = 0$ の実数解をすべて求めよ。"],
    "vi": ["Tính đạo hàm của hàm số $f(x) = {f}$.", "Giải phương trình ${p} = 0$."],
    "ko": ["함수 $f(x) = {f}$ 의 도함수를 구하시오."],
    "it": ["Calcola la derivata di $f(x) = {f}$."],
    "pt": ["Calcule a derivada de $f(x) = {f}$."],
    "pl": ["Oblicz pochodną funkcji $f(x) = {f}$."],
    "tr": ["$f(x) = {f}$ fonksiyonunun türevini bulunuz."],
}
_FUNCTIONS = ["x^3 \\sin x", "e^{2x} \\cos x", "\\ln(x^2 + 1)", "\\frac{x}{1 + x^2}", "\\sqrt{1 - x^2}"]
_POLYS = ["x^3 - 6x^2 + 11x - 6", "x^2 - 5x + 6", "2x^3 + 3x^2 - 2x", "x^4 - 1"]
_MATRICES = [
    "\\begin{pmatrix} 2 & 1 \\\\ 1 & 2 \\end{pmatrix}",
    "[[4, 1], [2, 3]]",
    "[[1, 2, 0], [0, 1, 0], [0, 0, 3]]",
]
_TOPICS = ["a cooling cup of tea", "population growth", "optimising a box's volume", "marginal cost"]


def _maths(rng: random.Random) -> list[str]:
    rows: list[str] = []
    for templates in _WORD_PROBLEMS.values():
        for template in templates:
            for _ in range(4):
                a, b = rng.randint(12, 240), rng.randint(2, 11)
                rows.append(template.format(n=rng.choice(_NAMES), a=a, b=b))
    for templates in _EXERCISES.values():
        for template in templates:
            for f, p, m, topic in rng.sample(list(product(_FUNCTIONS, _POLYS, _MATRICES, _TOPICS)), 3):
                rows.append(template.format(f=f, p=p, m=m, topic=topic, a=rng.randint(2, 8)))
    return list(dict.fromkeys(rows))


# --- coding ------------------------------------------------------------------------------------

_CODING = {
    "en": ["Write a {lang} function that {task}.", "Why does this {lang} code fail?\n{code}"],
    "de": [
        "Schreibe eine {lang}-Funktion, die {task_de}.",
        "Warum funktioniert dieser {lang}-Code nicht?\n{code}",
    ],
    "fr": ["Écris une fonction {lang} qui {task_fr}.", "Pourquoi ce code {lang} ne marche pas ?\n{code}"],
    "es": ["Escribe una función en {lang} que {task_es}.", "¿Por qué falla este código de {lang}?\n{code}"],
    "ru": ["Напиши функцию на {lang}, которая {task_ru}.", "Где ошибка в коде?\n{code}"],
    "zh": ["用{lang}写一个函数，{task_zh}。", "这段{lang}代码为什么报错？\n{code}"],
    "ja": ["{lang}で{task_ja}関数を書いてください。", "この{lang}のコードのどこが間違っていますか？\n{code}"],
    "pt": ["Escreva uma função em {lang} que {task_pt}.", "Por que este código {lang} dá erro?\n{code}"],
    "vi": ["Viết hàm {lang} để {task_vi}.", "Tại sao đoạn code {lang} này bị lỗi?\n{code}"],
    "ko": ["{lang}로 {task_ko} 함수를 작성해 주세요."],
    "tr": ["{lang} ile {task_tr} bir fonksiyon yaz."],
    "pl": ["Napisz funkcję w {lang}, która {task_pl}."],
}
_TASKS = [
    {
        "task": "reverses a linked list",
        "task_de": "eine verkettete Liste umkehrt",
        "task_fr": "inverse une liste chaînée",
        "task_es": "invierta una lista enlazada",
        "task_ru": "разворачивает связный список",
        "task_zh": "反转一个链表",
        "task_ja": "連結リストを反転する",
        "task_pt": "inverta uma lista encadeada",
        "task_vi": "đảo ngược một danh sách liên kết",
        "task_ko": "연결 리스트를 뒤집는",
        "task_tr": "bağlı listeyi ters çeviren",
        "task_pl": "odwraca listę jednokierunkową",
    },
    {
        "task": "counts the words in a text file",
        "task_de": "die Wörter in einer Textdatei zählt",
        "task_fr": "compte les mots d'un fichier texte",
        "task_es": "cuente las palabras de un archivo de texto",
        "task_ru": "считает слова в текстовом файле",
        "task_zh": "统计文本文件中的单词数",
        "task_ja": "テキストファイルの単語数を数える",
        "task_pt": "conte as palavras de um arquivo de texto",
        "task_vi": "đếm số từ trong một tệp văn bản",
        "task_ko": "텍스트 파일의 단어 수를 세는",
        "task_tr": "bir metin dosyasındaki kelimeleri sayan",
        "task_pl": "liczy słowa w pliku tekstowym",
    },
    {
        "task": "parses a date string and returns the weekday",
        "task_de": "ein Datum parst und den Wochentag zurückgibt",
        "task_fr": "analyse une date et renvoie le jour de la semaine",
        "task_es": "analice una fecha y devuelva el día de la semana",
        "task_ru": "разбирает строку с датой и возвращает день недели",
        "task_zh": "解析日期字符串并返回星期几",
        "task_ja": "日付文字列を解析して曜日を返す",
        "task_pt": "analise uma data e retorne o dia da semana",
        "task_vi": "phân tích chuỗi ngày và trả về thứ trong tuần",
        "task_ko": "날짜 문자열을 파싱해 요일을 반환하는",
        "task_tr": "bir tarih dizesini ayrıştırıp haftanın gününü döndüren",
        "task_pl": "parsuje datę i zwraca dzień tygodnia",
    },
]
_LANGS = ["Python", "JavaScript", "Go", "Rust", "Java", "C++"]
_SNIPPETS = [
    "total = 0\nfor n in numbers:\n    total =+ n\nprint(total / len(numbers))",
    "for i in range(len(xs)):\n    if xs[i] = 0:\n        print(i)",
    "const total = items.reduce((a, b) => a + b.price);",
    'let v = vec![1, 2, 3];\nlet first = &v[0];\nv.push(4);\nprintln!("{}", first);',
]


def _coding(rng: random.Random) -> list[str]:
    rows: list[str] = []
    for templates in _CODING.values():
        for template in templates:
            for task in _TASKS:
                rows.append(template.format(lang=rng.choice(_LANGS), code=rng.choice(_SNIPPETS), **task))
    return list(dict.fromkeys(rows))


# --- everyday instructions ---------------------------------------------------------------------
# The eval sets' ordinary instructions are dominated by a few shapes (gsm8k word problems, CoNaLa
# and MBPP one-liners, NQ trivia, IFEval constraints), so the head learned coding as "a Python
# one-liner", writing as "an essay with a word limit" and chat as "a short trivia question".
# Requests for an app in a web or game framework, DevOps configs, "explain this snippet",
# role-play, emails and editing, probability and applied calculations, and everyday questions
# that mention numbers or technology were read as the wrong intent. Frames per intent crossed
# with subjects, sampled with a fixed seed; none is taken from an evaluation set.

_TECH = [
    "React",
    "Vue",
    "Angular",
    "Svelte",
    "Next.js",
    "Django",
    "Flask",
    "FastAPI",
    "Express",
    "Spring Boot",
    "Rails",
    "Laravel",
    "Flutter",
    "SwiftUI",
    "Jetpack Compose",
    "Unity",
    "Godot",
    "pygame",
    "Electron",
    "Tkinter",
    "Qt",
    "ASP.NET Core",
    "Node.js",
    "Deno",
    "Tailwind CSS",
]
_PLANG = [
    "Python",
    "JavaScript",
    "TypeScript",
    "Java",
    "C",
    "C++",
    "C#",
    "Go",
    "Rust",
    "Kotlin",
    "Swift",
    "PHP",
    "Ruby",
    "Haskell",
    "Lua",
    "Zig",
    "Elixir",
    "Scala",
    "R",
    "MATLAB",
    "Julia",
    "Dart",
    "bash",
    "PowerShell",
    "Perl",
    "VBA",
]
_OPS = [
    ("Kubernetes", "deploy a web app with two replicas and a service"),
    ("Docker", "containerise a Node.js API with a multi-stage build"),
    ("Terraform", "create an S3 bucket with versioning and a lifecycle rule"),
    ("Ansible", "install nginx on a group of Ubuntu servers"),
    ("GitHub Actions", "run the tests and build a Docker image on every push"),
    ("nginx", "serve a single-page app and proxy /api to a backend"),
    ("systemd", "run a Python script as a service that restarts on failure"),
    ("Helm", "package our microservice with configurable resource limits"),
    ("AWS Lambda", "resize images uploaded to a bucket"),
    ("cron", "back up a Postgres database every night"),
    ("git", "undo the last commit but keep the changes"),
    ("webpack", "split vendor code into its own bundle"),
]
_APPS = [
    "a memory card game",
    "a to-do list app with local storage",
    "a sign-up form with client-side validation",
    "a REST API for a bookstore",
    "a chat server using websockets",
    "a web scraper for product prices",
    "a command-line tool that renames photos by date",
    "a Discord bot that posts daily reminders",
    "a static site generator for a personal blog",
    "a markdown-to-HTML converter",
    "a file upload form with a progress bar",
    "an LRU cache",
    "a rate limiter middleware",
    "a space shooter with increasing difficulty",
    "a tic-tac-toe game with an AI",
    "a weather dashboard that calls a public API",
    "a URL shortener",
    "a pomodoro timer",
    "a responsive navigation bar with a hamburger menu",
    "a drag-and-drop kanban board",
    "a password strength checker",
    "a simple blockchain for learning",
    "a sudoku solver",
    "a chess move validator",
    "an image carousel",
    "a budget tracker with charts",
    "a leaderboard service backed by Redis",
    "an inventory system for an RPG",
    "a paginated table that fetches data from an API",
    "a JWT authentication flow",
]
_CODE_TASKS = [
    "read a large CSV file without loading it all into memory",
    "make an HTTP request with a timeout",
    "sort a list of objects by two keys",
    "debounce a search input",
    "parse command-line arguments",
    "handle errors in async functions",
    "write unit tests with mocks",
    "upload a file to S3 with a presigned URL",
    "connect to a PostgreSQL database",
    "hash passwords securely",
    "run tasks in parallel",
    "read environment variables with defaults",
    "log to a file with rotation",
    "deep copy an object",
    "remove duplicates from an array while keeping order",
    "format a date as ISO 8601",
    "stream a large file download",
    "implement dependency injection",
    "profile slow code",
    "cancel a long-running request",
    "serialize a class to JSON",
    "validate a form before submit",
    "implement a binary search tree",
    "detect a cycle in a linked list",
    "memoize a recursive function",
    "compile the project for ARM",
    "set up hot reload",
    "paginate database results",
]
_ERRORS = [
    "NullPointerException",
    "TypeError: undefined is not a function",
    "segmentation fault",
    "IndexError: list index out of range",
    "borrow of moved value",
    "CORS error",
    "ModuleNotFoundError",
    "a memory leak",
    "a deadlock",
    "a race condition",
    "an infinite re-render",
    "a 500 error from the server",
    "ConcurrentModificationException",
    "stack overflow",
    "undefined reference to main",
    "permission denied",
    "an off-by-one error",
]
_CONCEPTS = [
    ("closures", "callbacks"),
    ("processes", "threads"),
    ("async/await", "promises"),
    ("interfaces", "abstract classes"),
    ("a list", "a tuple"),
    ("stack memory", "heap memory"),
    ("composition", "inheritance"),
    ("REST", "GraphQL"),
    ("SQL", "NoSQL databases"),
    ("unit tests", "integration tests"),
    ("static typing", "dynamic typing"),
    ("pass by value", "pass by reference"),
    ("git merge", "git rebase"),
    ("generics", "templates"),
    ("a mutex", "a semaphore"),
    ("TCP", "UDP"),
    ("OAuth", "API keys"),
    ("ORM queries", "raw SQL"),
    ("microservices", "a monolith"),
    ("recursion", "iteration"),
]
_SNIPS = [
    "def avg(xs):\n    return sum(xs) / len(xs)\n\nprint(avg([]))",
    "for (let i = 0; i <= arr.length; i++) {\n  console.log(arr[i].name);\n}",
    "int *p = malloc(10 * sizeof(int));\np[10] = 5;\nfree(p);\nfree(p);",
    "SELECT name, COUNT(*) FROM orders GROUP BY customer_id;",
    "static int max(int[] a) {\n  int m = 0;\n  for (int x : a) if (x > m) m = x;\n  return m;\n}",
    "const [count, setCount] = useState(0);\nuseEffect(() => { setCount(count + 1); });",
    'fn main() {\n    let s = String::from("hi");\n    let t = s;\n    println!("{}", s);\n}',
    "x <- c(1, 2, NA, 4)\nmean(x)",
    "import requests\nr = requests.get(url)\ndata = r.json()['items'][0]",
    "while read line; do\n  echo $line | cut -d, -f2\ndone < data.csv",
    "class Stack:\n    def __init__(self, items=[]):\n        self.items = items",
    "func worker(ch chan int) {\n    for v := range ch {\n        fmt.Println(v)\n    }\n}",
    "$result = mysqli_query($conn, \"SELECT * FROM users WHERE id = \" . $_GET['id']);",
    "df = pd.read_csv('sales.csv')\ndf.groupby('region')['total'].mean().plot()",
    "A = rand(3);\nB = A \\ eye(3);\ndisp(B)",
    "let total = 0;\nprices.forEach(async p => { total += await convert(p); });\nconsole.log(total);",
]
_CODING_FRAMES = [
    "Write {app} in {lang}.",
    "Create {app} using {tech}.",
    "Build {app} with {tech}. Include the full code.",
    "need {app} in {tech}, full code pls",
    "Can you help me write {app} in {lang}? I'm a beginner.",
    "I want to build {app}. Which stack should I use and can you show me the main code?",
    "Implement {app} in {lang} with clean, well-commented code.",
    "How do I {task} in {lang}?",
    "What's the best way to {task} with {tech}?",
    "Using {lang}, {task} - what is the cleanest approach?",
    "Show me how to {task} in {lang} with an example.",
    "how to {task} {lang}",
    "I'm getting {error} in my {lang} program when I {task2}. How do I fix it?",
    "Why do I get {error} here?\n\n{snip}",
    "Explain what this code does, line by line:\n\n{snip}",
    "Can you tell me what this snippet is for?\n{snip}",
    "Find the bug in this code and fix it:\n```\n{snip}\n```",
    "Refactor this to be more idiomatic:\n\n{snip}",
    "Add error handling and unit tests to this:\n{snip}",
    "Convert this code to {lang}:\n{snip}",
    "Review this code for security problems:\n{snip}",
    "What is the difference between {c1} and {c2} in {lang}?",
    "Explain {c1} vs {c2} with a short code example.",
    "Why would a team pick {lang} instead of {lang2} for a new service?",
    "{lang} or {lang2} for {app2}: which fits better and why?",
    "I'm learning {lang}. What projects should I build to get better at it?",
    "Which questions about {c1} come up in {lang} job interviews?",
    "Write a {ops} configuration to {opstask}.",
    "How can I {opstask} with {ops}?",
    "Give me a {ops} example that shows how to {opstask}.",
    "Write a regular expression that matches {regex}.",
    "Write a {lang} script that {script}.",
    "Optimise this function, it is too slow on large inputs:\n{snip}",
    "Design the classes for {app2} in {lang}.",
    "What design pattern fits {app2}, and how would it look in {lang}?",
]
_REGEX = [
    "valid email addresses",
    "dates in the format DD/MM/YYYY",
    "US phone numbers",
    "hex colour codes",
    "IPv4 addresses",
    "words that start with a capital letter",
    "URLs with an optional port",
    "lines that end with a semicolon",
]
_SCRIPTS = [
    "renames every file in a folder to lowercase",
    "checks which websites in a list are down",
    "merges all PDFs in a directory",
    "watches a folder and uploads new files",
    "counts lines of code per language in a repository",
    "sends me an email when disk usage is above 90%",
    "downloads all images from a web page",
    "converts a folder of PNGs to WebP",
]
_CODING_OTHER = {
    "zh": [
        "用{tech}写一个{app_zh}",
        "这段代码哪里有问题？\n{snip}",
        "{lang}里{c1}和{c2}有什么区别？",
        "怎么用{lang}实现{task_zh}？",
        "帮我优化这段代码：\n{snip}",
        "给我写一个{lang}脚本，{script_zh}",
    ],
    "ru": [
        "Напиши {app_ru} на {tech}.",
        "Почему этот код не работает?\n{snip}",
        "В чём разница между {c1} и {c2} в {lang}?",
        "Как на {lang} {task_ru}?",
        "Помоги отрефакторить этот код:\n{snip}",
    ],
    "es": [
        "Crea {app_es} con {tech}.",
        "¿Qué hace este código?\n{snip}",
        "¿Cómo puedo {task_es} en {lang}?",
        "¿Cuál es la diferencia entre {c1} y {c2} en {lang}?",
    ],
    "de": [
        "Erstelle {app_de} mit {tech}.",
        "Was macht dieser Code?\n{snip}",
        "Wie kann ich in {lang} {task_de}?",
        "Was ist der Unterschied zwischen {c1} und {c2} in {lang}?",
    ],
    "fr": [
        "Crée {app_fr} avec {tech}.",
        "Que fait ce code ?\n{snip}",
        "Comment {task_fr} en {lang} ?",
        "Quelle est la différence entre {c1} et {c2} en {lang} ?",
    ],
    "pt": ["Crie {app_pt} usando {tech}.", "O que este código faz?\n{snip}", "Como {task_pt} em {lang}?"],
    "ja": [
        "{tech}で{app_ja}を作ってください。",
        "このコードは何をしていますか？\n{snip}",
        "{lang}で{task_ja}方法を教えて",
    ],
    "ko": [
        "{tech}로 {app_ko}을 만들어 줘",
        "이 코드가 왜 에러가 나나요?\n{snip}",
        "{lang}에서 {task_ko} 방법은?",
    ],
    "vi": [
        "Viết {app_vi} bằng {tech}.",
        "Đoạn code này làm gì?\n{snip}",
        "Làm sao để {task_vi} trong {lang}?",
    ],
    "it": ["Crea {app_it} con {tech}.", "Cosa fa questo codice?\n{snip}"],
    "tr": ["{tech} ile {app_tr} yaz.", "Bu kod neden hata veriyor?\n{snip}"],
}
_APPS_ML = [
    {
        "app_zh": "贪吃蛇游戏",
        "app_ru": "игру «змейка»",
        "app_es": "un juego de la serpiente",
        "app_de": "ein Snake-Spiel",
        "app_fr": "un jeu du serpent",
        "app_pt": "um jogo da cobrinha",
        "app_ja": "スネークゲーム",
        "app_ko": "뱀 게임",
        "app_vi": "trò chơi rắn săn mồi",
        "app_it": "un gioco snake",
        "app_tr": "bir yılan oyunu",
    },
    {
        "app_zh": "登录页面",
        "app_ru": "страницу входа",
        "app_es": "una página de inicio de sesión",
        "app_de": "eine Login-Seite",
        "app_fr": "une page de connexion",
        "app_pt": "uma página de login",
        "app_ja": "ログイン画面",
        "app_ko": "로그인 페이지",
        "app_vi": "trang đăng nhập",
        "app_it": "una pagina di login",
        "app_tr": "bir giriş sayfası",
    },
    {
        "app_zh": "待办事项应用",
        "app_ru": "приложение со списком задач",
        "app_es": "una app de tareas",
        "app_de": "eine To-do-App",
        "app_fr": "une application de tâches",
        "app_pt": "um app de tarefas",
        "app_ja": "ToDoアプリ",
        "app_ko": "할 일 앱",
        "app_vi": "ứng dụng danh sách việc cần làm",
        "app_it": "un'app di promemoria",
        "app_tr": "bir yapılacaklar uygulaması",
    },
    {
        "app_zh": "REST API 服务",
        "app_ru": "REST API для магазина",
        "app_es": "una API REST para una tienda",
        "app_de": "eine REST-API für einen Shop",
        "app_fr": "une API REST pour une boutique",
        "app_pt": "uma API REST para uma loja",
        "app_ja": "ショップ用のREST API",
        "app_ko": "쇼핑몰 REST API",
        "app_vi": "một REST API cho cửa hàng",
        "app_it": "una API REST per un negozio",
        "app_tr": "bir mağaza için REST API",
    },
]
_TASKS_ML = [
    {
        "task_zh": "读取大文件",
        "task_ru": "прочитать большой файл построчно",
        "task_es": "leer un archivo grande",
        "task_de": "eine große Datei zeilenweise lesen",
        "task_fr": "lire un gros fichier ligne par ligne",
        "task_pt": "ler um arquivo grande",
        "task_ja": "大きなファイルを読み込む",
        "task_ko": "큰 파일을 읽는",
        "task_vi": "đọc một tệp lớn",
        "script_zh": "把文件夹里的图片批量重命名",
    },
    {
        "task_zh": "多线程下载",
        "task_ru": "отправить HTTP-запрос с таймаутом",
        "task_es": "hacer una petición HTTP con timeout",
        "task_de": "einen HTTP-Request mit Timeout senden",
        "task_fr": "envoyer une requête HTTP avec un délai",
        "task_pt": "fazer uma requisição HTTP",
        "task_ja": "HTTPリクエストを送る",
        "task_ko": "HTTP 요청을 보내는",
        "task_vi": "gửi một yêu cầu HTTP",
        "script_zh": "定时备份数据库",
    },
    {
        "task_zh": "连接数据库",
        "task_ru": "подключиться к базе данных PostgreSQL",
        "task_es": "conectarme a una base de datos",
        "task_de": "mich mit einer Datenbank verbinden",
        "task_fr": "se connecter à une base de données",
        "task_pt": "conectar a um banco de dados",
        "task_ja": "データベースに接続する",
        "task_ko": "데이터베이스에 연결하는",
        "task_vi": "kết nối cơ sở dữ liệu",
        "script_zh": "检查一批网站是否能访问",
    },
]


def _everyday_coding(rng: random.Random) -> list[str]:
    rows: list[str] = []
    for frame in _CODING_FRAMES:
        for _ in range(14):
            c1, c2 = rng.choice(_CONCEPTS)
            ops, opstask = rng.choice(_OPS)
            lang, lang2 = rng.sample(_PLANG, 2)
            rows.append(
                frame.format(
                    app=rng.choice(_APPS),
                    app2=rng.choice(_APPS),
                    lang=lang,
                    lang2=lang2,
                    tech=rng.choice(_TECH),
                    task=rng.choice(_CODE_TASKS),
                    task2=rng.choice(_CODE_TASKS),
                    error=rng.choice(_ERRORS),
                    snip=rng.choice(_SNIPS),
                    c1=c1,
                    c2=c2,
                    ops=ops,
                    opstask=opstask,
                    regex=rng.choice(_REGEX),
                    script=rng.choice(_SCRIPTS),
                )
            )
    for frames in _CODING_OTHER.values():
        for frame in frames:
            for _ in range(5):
                c1, c2 = rng.choice(_CONCEPTS)
                rows.append(
                    frame.format(
                        tech=rng.choice(_TECH),
                        lang=rng.choice(_PLANG),
                        snip=rng.choice(_SNIPS),
                        c1=c1,
                        c2=c2,
                        **rng.choice(_APPS_ML),
                        **rng.choice(_TASKS_ML),
                    )
                )
    return rows


_FORMS = [
    "a poem",
    "a haiku",
    "a limerick",
    "a short story",
    "a sonnet",
    "song lyrics",
    "a blog post",
    "an essay",
    "a speech",
    "a toast",
    "a product description",
    "a LinkedIn post",
    "a tweet thread",
    "a newsletter intro",
    "a press release",
    "a short screenplay scene",
    "a bedtime story",
    "a eulogy for a beloved teacher",
    "a persuasive article",
    "a diary entry",
    "a dialogue between two friends",
    "a rap verse",
    "an opening paragraph for a novel",
    "a fable with a moral",
]
_THEMES = [
    "autumn in the city",
    "a robot learning to paint",
    "the first day at a new job",
    "the ocean at night",
    "a lost umbrella",
    "friendship across generations",
    "climate change",
    "a small bakery that saves a town",
    "moving to a new country",
    "a cat who thinks it is a king",
    "the last bookstore on earth",
    "learning to ride a bike",
    "a lighthouse in a storm",
    "remote work",
    "our new running shoes",
    "a dragon afraid of heights",
    "the joy of cooking for others",
    "a detective who hates mysteries",
    "the history of coffee",
    "why sleep matters",
    "electric cars",
    "a village without internet",
]
_STYLES = [
    "in the style of Dr. Seuss",
    "for a ten-year-old",
    "in a humorous tone",
    "in under 200 words",
    "with a twist ending",
    "in the voice of a pirate",
    "in formal English",
    "as if written in 1920",
    "with vivid imagery",
    "that rhymes",
    "in three paragraphs",
    "in a melancholic mood",
    "",
]
_EMAILS = [
    "to a customer explaining a price increase",
    "to my landlord about a broken heater",
    "to my manager asking for a day off",
    "to a client following up on an unpaid invoice",
    "declining a job offer politely",
    "to a professor asking for an extension",
    "thanking a colleague for their help on a project",
    "to the team announcing a new process",
    "to a supplier asking for a discount",
    "inviting neighbours to a street party",
    "to a recruiter after an interview",
    "to parents about a school trip",
    "asking a neighbour to keep the noise down after 10 pm",
    "resigning from my position",
]
_PERSONAS = [
    "a lighthouse keeper",
    "a detective in 1920s London",
    "a tour guide in Rome",
    "a grumpy wizard",
    "an astronaut on Mars",
    "a 17th-century explorer",
    "a talk show host",
    "a fairy-tale villain",
    "a famous chef",
    "a retired circus clown",
    "a Victorian butler",
    "a deep-sea diver",
    "a dragon",
    "a radio DJ in the 1980s",
]
_PERSONA_ACTS = [
    "complain about the weather in your own words",
    "welcome listeners to tonight's show",
    "give a farewell speech",
    "write a letter home",
    "describe a typical day",
    "narrate a dramatic rescue",
    "review a new restaurant",
    "give advice to a nervous beginner",
    "tell the story of your worst mistake",
]
_TEXTS = [
    "Me and him goes to the gym every mornings before work.",
    "Our product are the best in the market and we has many happy customer.",
    "The meeting which was held yesterday it was very productive and everyone agree on the plan.",
    "In todays world technology are changing very fast and people needs to adapt quick.",
    "I am writing to inform you that the package have been delivered to the wrong adress.",
    "Their going to announce the results tomorow, but nobody know the exact time.",
    "We regret to inform you that your application was not succesful this time around.",
    "Due to unforseen circumstances the event is postponed untill further notice.",
]
_WRITING_FRAMES = [
    "Write {form} about {theme} {style}",
    "Can you write me {form} about {theme}?",
    "Compose {form} on {theme}.",
    "I need {form} about {theme} {style}.",
    "Write {form} in which the hero {hook}.",
    "Draft an email {email}.",
    "Write a polite email {email}.",
    "Help me write a short message {email}.",
    "Write a formal letter {email}.",
    "As {persona}, {pact}.",
    "Imagine you are {persona}. {Pact}.",
    "Pretend to be {persona} and {pact}.",
    "You are {persona}. Write a monologue in which you {pact}.",
    "Fix the grammar and spelling in this paragraph:\n{text}",
    "Proofread this and fix the mistakes: {text}",
    "Rewrite this to sound more professional: {text}",
    "Paraphrase the following sentence in simpler words: {text}",
    "Make this more concise and friendly: {text}",
    "Improve the style of this text: {text}",
    "Draft the slide titles for a talk on {theme}.",
    "Write the intro and three segment headings for a radio show on {theme}.",
    "Write a catchy slogan for {product}.",
    "Suggest ten creative titles for a blog post about {theme}.",
    "Write a product description for {product}.",
    "Summarise the plot of {book} in one paragraph.",
    "Write a blurb for the back cover of {book}.",
    "Write a review of {book}.",
    "Write a cover letter for a {job} position.",
    "Write a short bio for a {job} for our website.",
    "Write a motivational speech for {audience}.",
    "Write a wedding toast for my best friend who loves {theme}.",
]
_HOOKS = [
    "finds a map in a library book",
    "inherits a haunted bicycle",
    "misses the last train home",
    "swaps jobs with their twin for a week",
    "opens a shop that sells forgotten memories",
]
_PRODUCTS = [
    "a reusable water bottle",
    "an AI note-taking app",
    "a handmade soap shop",
    "a dog-walking service",
    "noise-cancelling headphones",
    "a vegan bakery",
    "a budgeting app for students",
    "a smart plant pot",
]
_BOOKS = [
    "Jane Eyre",
    "Pride and Prejudice",
    "1984",
    "The Great Gatsby",
    "To Kill a Mockingbird",
    "The Little Prince",
    "Hamlet",
    "Don Quixote",
    "Frankenstein",
    "The Hobbit",
]
_JOBS = ["software engineer", "nurse", "marketing manager", "teacher", "data analyst", "graphic designer"]
_AUDIENCES = [
    "a team that just missed its deadline",
    "graduating students",
    "a school's first robotics club",
    "volunteers at a food bank",
    "a football team at half-time",
]
_WRITING_OTHER = {
    "es": [
        "Escribe un poema sobre {theme_es}.",
        "Redacta un correo formal para {email_es}.",
        "Escribe un cuento corto sobre {theme_es}.",
    ],
    "de": [
        "Schreibe ein Gedicht über {theme_de}.",
        "Formuliere eine höfliche E-Mail, um {email_de}.",
        "Schreib eine kurze Geschichte über {theme_de}.",
    ],
    "fr": [
        "Écris un poème sur {theme_fr}.",
        "Rédige un e-mail poli pour {email_fr}.",
        "Écris une courte histoire sur {theme_fr}.",
    ],
    "it": ["Scrivi una poesia su {theme_it}.", "Scrivi una breve storia su {theme_it}."],
    "pt": ["Escreva um poema sobre {theme_pt}.", "Escreva um e-mail educado para {email_pt}."],
    "ru": [
        "Напиши стихотворение о {theme_ru}.",
        "Напиши вежливое письмо, чтобы {email_ru}.",
        "Сочини короткий рассказ о {theme_ru}.",
    ],
    "zh": [
        "写一首关于{theme_zh}的诗。",
        "帮我写一封邮件，{email_zh}。",
        "以{theme_zh}为题写一篇短文。",
        "帮我润色这段文字，让它更正式。",
    ],
    "ja": ["{theme_ja}についての詩を書いてください。", "{email_ja}メールを書いてください。"],
    "ko": ["{theme_ko}에 관한 시를 써 줘.", "{email_ko} 이메일을 작성해 주세요."],
    "vi": ["Viết một bài thơ về {theme_vi}.", "Viết email {email_vi}."],
}
_WRITING_ML = [
    {
        "theme_es": "el otoño",
        "theme_de": "den Herbst",
        "theme_fr": "l'automne",
        "theme_it": "l'autunno",
        "theme_pt": "o outono",
        "theme_ru": "осени",
        "theme_zh": "秋天",
        "theme_ja": "秋",
        "theme_ko": "가을",
        "theme_vi": "mùa thu",
        "email_es": "pedir un día libre a mi jefe",
        "email_de": "meinen Chef um einen freien Tag zu bitten",
        "email_fr": "demander un jour de congé",
        "email_pt": "pedir um dia de folga",
        "email_ru": "попросить у начальника выходной",
        "email_zh": "向经理请一天假",
        "email_ja": "上司に休暇をお願いする",
        "email_ko": "상사에게 휴가를 요청하는",
        "email_vi": "xin nghỉ phép một ngày",
    },
    {
        "theme_es": "el mar",
        "theme_de": "das Meer",
        "theme_fr": "la mer",
        "theme_it": "il mare",
        "theme_pt": "o mar",
        "theme_ru": "море",
        "theme_zh": "大海",
        "theme_ja": "海",
        "theme_ko": "바다",
        "theme_vi": "biển",
        "email_es": "disculparme con un cliente por un retraso",
        "email_de": "mich bei einem Kunden für eine Verspätung zu entschuldigen",
        "email_fr": "m'excuser auprès d'un client pour un retard",
        "email_pt": "pedir desculpas a um cliente pelo atraso",
        "email_ru": "извиниться перед клиентом за задержку",
        "email_zh": "向客户为发货延迟道歉",
        "email_ja": "お客様に配送の遅れをお詫びする",
        "email_ko": "고객에게 배송 지연을 사과하는",
        "email_vi": "xin lỗi khách hàng vì giao hàng trễ",
    },
    {
        "theme_es": "la amistad",
        "theme_de": "Freundschaft",
        "theme_fr": "l'amitié",
        "theme_it": "l'amicizia",
        "theme_pt": "a amizade",
        "theme_ru": "дружбе",
        "theme_zh": "友谊",
        "theme_ja": "友情",
        "theme_ko": "우정",
        "theme_vi": "tình bạn",
        "email_es": "agradecer a un colega su ayuda",
        "email_de": "einem Kollegen für seine Hilfe zu danken",
        "email_fr": "remercier un collègue pour son aide",
        "email_pt": "agradecer a um colega pela ajuda",
        "email_ru": "поблагодарить коллегу за помощь",
        "email_zh": "感谢同事的帮助",
        "email_ja": "同僚に感謝を伝える",
        "email_ko": "동료에게 감사를 전하는",
        "email_vi": "cảm ơn đồng nghiệp đã giúp đỡ",
    },
]


def _everyday_writing(rng: random.Random) -> list[str]:
    rows: list[str] = []
    for frame in _WRITING_FRAMES:
        for _ in range(12):
            act = rng.choice(_PERSONA_ACTS)
            row = frame.format(
                form=rng.choice(_FORMS),
                theme=rng.choice(_THEMES),
                style=rng.choice(_STYLES),
                hook=rng.choice(_HOOKS),
                email=rng.choice(_EMAILS),
                persona=rng.choice(_PERSONAS),
                pact=act,
                Pact=act[0].upper() + act[1:],
                text=rng.choice(_TEXTS),
                product=rng.choice(_PRODUCTS),
                book=rng.choice(_BOOKS),
                job=rng.choice(_JOBS),
                audience=rng.choice(_AUDIENCES),
            )
            rows.append(" ".join(row.split(" ")).replace(" .", ".").strip())
    for frames in _WRITING_OTHER.values():
        for frame in frames:
            for values in _WRITING_ML:
                rows.append(frame.format(**values))
    return rows


# Translation: an instruction plus the text, in and into many languages.
_TARGETS = [
    "French",
    "German",
    "Spanish",
    "Italian",
    "Portuguese",
    "Dutch",
    "Swedish",
    "Polish",
    "Russian",
    "Ukrainian",
    "Greek",
    "Turkish",
    "Hebrew",
    "Arabic",
    "Persian",
    "Hindi",
    "Bengali",
    "Thai",
    "Vietnamese",
    "Indonesian",
    "Japanese",
    "Korean",
    "Chinese",
    "Swahili",
    "Czech",
    "Finnish",
]
_SOURCES = [
    "The bridge will be closed for repairs from Monday to Thursday.",
    "The store opens at nine, but the pharmacy counter opens an hour later.",
    "Thank you for your patience while we fix the problem.",
    "Could you tell me how to get to the nearest hospital?",
    "We are delighted to invite you to our wedding next June.",
    "Please keep your luggage with you at all times.",
    "I have been learning to play the piano since I was seven.",
    "The results will be published on our website next week.",
    "Don't forget to water the plants while I am away.",
    "Our mission is to make clean energy affordable for everyone.",
]
_TRANSLATION_FRAMES = [
    'Into {lang}, please:\n"{src}"',
    "Translate the following text to {lang}: {src}",
    'How do you say "{src}" in {lang}?',
    "Can you translate this sentence into {lang} for me? {src}",
    "Please translate to {lang}, keeping a formal tone: {src}",
    "What is the {lang} translation of: {src}",
    "Translate from English to {lang} and explain any tricky words: {src}",
    "{src}\n\nTranslate the above into {lang}.",
]
_TRANSLATION_OTHER = [
    "Переведи на английский: {ru}",
    "Переведите, пожалуйста, на немецкий: {ru}",
    "请把这句话翻译成英文：{zh}",
    "翻译成日语：{zh}",
    "Traduce al inglés: {es}",
    "Traduce esto al francés: {es}",
    "Übersetze ins Englische: {de}",
    "Übersetze bitte ins Spanische: {de}",
    "Traduis en anglais : {fr}",
    "Traduza para o inglês: {pt}",
    "英語に翻訳してください：{ja}",
    "영어로 번역해 주세요: {ko}",
    "Dịch sang tiếng Anh: {vi}",
    "Traduci in inglese: {it}",
    "İngilizceye çevir: {tr}",
    "ترجم إلى الإنجليزية: {ar}",
    "Przetłumacz na angielski: {pl}",
    "Vertaal naar het Engels: {nl}",
]
_TRANSLATION_ML = [
    {
        "ru": "Я опоздаю на встречу на десять минут.",
        "zh": "我明天早上九点到公司。",
        "es": "Mañana vamos a la playa con mis primos.",
        "de": "Der Zug hat leider zwanzig Minuten Verspätung.",
        "fr": "Nous avons besoin de plus de temps pour finir le projet.",
        "pt": "A reunião foi adiada para sexta-feira.",
        "ja": "駅までの道を教えてください。",
        "ko": "내일 회의는 취소되었습니다.",
        "vi": "Tôi muốn đặt một bàn cho bốn người.",
        "it": "Il negozio chiude alle otto di sera.",
        "tr": "Yarın hava çok güzel olacak.",
        "ar": "أين يمكنني شراء تذكرة القطار؟",
        "pl": "Czy mogę zapłacić kartą?",
        "nl": "Ik woon al vijf jaar in Amsterdam.",
    },
    {
        "ru": "Спасибо за помощь, вы очень добры.",
        "zh": "这本书比我想象的有趣多了。",
        "es": "¿Puedes enviarme el informe antes del viernes?",
        "de": "Ich hätte gern ein Zimmer mit Blick aufs Meer.",
        "fr": "Il pleut depuis trois jours sans arrêt.",
        "pt": "Obrigado por ter vindo tão rápido.",
        "ja": "このレストランは予約が必要ですか。",
        "ko": "이 근처에 약국이 있나요?",
        "vi": "Hôm nay trời rất nóng.",
        "it": "Ho perso il portafoglio in metropolitana.",
        "tr": "Bu kitabı herkese tavsiye ederim.",
        "ar": "شكراً جزيلاً على مساعدتك.",
        "pl": "Spotkajmy się jutro o dziesiątej.",
        "nl": "Kun je me helpen met mijn huiswerk?",
    },
]


def _everyday_translation(rng: random.Random) -> list[str]:
    rows: list[str] = []
    for frame in _TRANSLATION_FRAMES:
        for _ in range(10):
            rows.append(frame.format(lang=rng.choice(_TARGETS), src=rng.choice(_SOURCES)))
    for frame in _TRANSLATION_OTHER:
        for values in _TRANSLATION_ML:
            rows.append(frame.format(**values))
    return rows


# Maths beyond school word problems: probability, number theory, algebra, geometry, applied
# calculations (physics, money, units), estimation and proofs, in words rather than LaTeX.
_MATH_FRAMES = [
    "I throw {k} fair dice. What are the chances their sum comes out to {s} or more?",
    "A bag has {a} red and {b} blue marbles. Two are drawn without replacement. "
    "What is the probability that both are red?",
    "If I flip a fair coin {k2} times, what is the probability of getting exactly {k} heads?",
    "What is the expected number of rolls of a die until a six appears?",
    "A screening test catches 99% of cases and wrongly flags {p}% of healthy people; "
    "{k} in {big} people are ill. Use Bayes' rule to find P(ill | positive).",
    "Check by trial division whether {prime} is prime.",
    "What is the remainder when {big} is divided by {b}?",
    "Find the last digit of {a}^{big}.",
    "Find the greatest common divisor and least common multiple of {a} and {big}.",
    "How many positive divisors does {big} have?",
    "How many trailing zeros does {a}! have?",
    "Solve for x: {a}x + {b} = {c}",
    "Solve the system: x + y = {a}, x - y = {b}.",
    "Solve the inequality {b}x - {a} > {c}.",
    "Factor the expression x^2 + {s}x + {k}.",
    "Simplify ({a}x^2 - {b}x) / x.",
    "Find the {k2}th term of the arithmetic sequence {a}, {a2}, {a3}, ...",
    "What is the area of a triangle with sides {a}, {b} and {c}?",
    "A cylinder has radius {k} cm and height {a} cm. What is its volume?",
    "Find the distance between the points ({k}, {b}) and ({a}, {c}).",
    "What is the derivative of x^{k} times sin(x)?",
    "Integrate {a}x^{k} + {b} with respect to x.",
    "Find the limit of (1 + 1/n)^n as n goes to infinity and explain why.",
    "Find the eigenvalues of the matrix [[{k}, 1], [1, {k}]].",
    "Prove that the square root of {prime2} is irrational.",
    "Prove that there are infinitely many prime numbers.",
    "Show that the sum of two odd numbers is always even.",
    "Prove by induction that 1 + 2 + ... + n = n(n+1)/2.",
    "A car accelerates from rest to {a} m/s in {k} seconds. "
    "What is its acceleration and how far does it travel?",
    "A ball is thrown straight up at {b} m/s. How high does it go and when does it land?",
    "A lamp draws {p} amperes from a {c}-volt supply. What is its power and its resistance?",
    "How much energy is needed to heat {k} litres of water from {b} to 100 degrees Celsius?",
    "A train leaves at 8:00 travelling at {a} km/h; another leaves the same station at 9:00 "
    "at {c} km/h. When does the second catch up?",
    "If I invest {big} dollars at {p}% interest compounded monthly, how much will I have after {k2} years?",
    "What is the monthly payment on a {big} loan at {p}% annual interest over {k2} years?",
    "Convert {a} km/h to metres per second.",
    "Mix {a} g of salt into {c} g of water. What is the mass percentage of salt?",
    "A shirt costs {c} dollars after a {p}% discount. What was the original price?",
    "Calculate the standard deviation of {a}, {b}, {c}, {k} and {s}.",
    "Heights are normal with mean {c} cm and sd {k} cm. What is the z-score of {a2} cm?",
    "Give a back-of-the-envelope estimate of how many {thing}, listing each assumption.",
    "Fermi problem: how many {thing}? Show the arithmetic.",
    "{n} is {a} years old and her father is {c}. In how many years will he be twice her age?",
    "Find all integer solutions of x^2 - y^2 = {big}.",
    "In how many ways can a committee of {k} be chosen from {k2} people?",
    "How many different {k}-letter codes can be made from the letters A to F without repetition?",
]
_THINGS = [
    "piano tuners there are in Chicago",
    "golf balls fit in a school bus",
    "pizzas are eaten in Italy per week",
    "bricks are in a three-storey house",
    "litres of water a city of one million uses per day",
    "grains of sand are on a beach",
    "books are in a typical public library",
    "leaves are on a large oak tree",
    "kilometres a commuter drives in a decade",
    "tennis balls would fill a swimming pool",
]
_PRIMES = [97, 221, 323, 561, 1009, 7919, 8633, 65537, 1001, 2047]
_MATH_OTHER = {
    "zh": [
        "掷两个骰子，点数之和大于{k2}的概率是多少？",
        "解方程：{a}x + {b} = {c}",
        "证明：根号{prime2}是无理数。",
        "一个圆的半径是{k}厘米，求它的面积。",
        "求{a}和{big}的最大公约数。",
        "一个长方体长{a}厘米、宽{b}厘米、高{k}厘米，求体积。",
        "已知等差数列首项为{a}，公差为{k}，求前{k2}项和。",
        "一件商品打{k}折后卖{c}元，原价是多少？",
    ],
    "ru": [
        "Найдите вероятность того, что при броске двух кубиков сумма будет больше {k2}.",
        "Решите уравнение {a}x + {b} = {c}.",
        "Докажите, что сумма двух нечётных чисел чётна.",
        "Найдите площадь треугольника со сторонами {a}, {b} и {c}.",
        "Тело брошено вверх со скоростью {b} м/с. На какую высоту оно поднимется?",
        "Вклад {big} рублей под {p}% годовых. Сколько будет через {k2} лет?",
    ],
    "ja": [
        "さいころを2回投げるとき、目の和が{k2}以上になる確率を求めよ。",
        "方程式 {a}x + {b} = {c} を解きなさい。",
        "半径{k}cmの球の体積を求めなさい。",
        "{a}と{big}の最大公約数を求めよ。",
    ],
    "ko": [
        "주사위 두 개를 던질 때 눈의 합이 {k2} 이상일 확률을 구하시오.",
        "방정식 {a}x + {b} = {c} 를 푸시오.",
        "반지름이 {k}인 원의 넓이를 구하시오.",
        "{a}와 {c}의 최소공배수를 구하시오.",
    ],
    "vi": [
        "Gieo hai con xúc xắc. Tính xác suất để tổng số chấm lớn hơn {k2}.",
        "Giải phương trình {a}x + {b} = {c}.",
        "Tính diện tích hình tròn có bán kính {k} cm.",
        "Một ô tô chuyển động với vận tốc {a} km/h trong {k} giờ. Tính quãng đường.",
    ],
    "es": [
        "¿Cuál es la probabilidad de sacar exactamente {k} caras al lanzar una moneda {k2} veces?",
        "Resuelve la ecuación {a}x + {b} = {c}.",
        "Demuestra que raíz de {prime2} es irracional.",
        "Calcula el volumen de un cilindro de radio {k} y altura {a}.",
    ],
    "fr": [
        "Quelle est la probabilité d'obtenir une somme supérieure à {k2} avec deux dés ?",
        "Résoudre l'équation {a}x + {b} = {c}.",
        "Montrer que la somme de deux nombres impairs est paire.",
        "Un capital de {big} euros est placé à {p} % par an. Combien vaudra-t-il dans {k2} ans ?",
    ],
    "de": [
        "Wie groß ist die Wahrscheinlichkeit, mit zwei Würfeln mehr als {k2} zu würfeln?",
        "Löse die Gleichung {a}x + {b} = {c}.",
        "Beweise, dass die Wurzel aus {prime2} irrational ist.",
        "Ein Auto beschleunigt in {k} Sekunden von 0 auf {a} m/s. Wie groß ist die Beschleunigung?",
    ],
    "pt": [
        "Qual é a probabilidade de tirar soma maior que {k2} com dois dados?",
        "Resolva a equação {a}x + {b} = {c}.",
        "Calcule a área de um círculo de raio {k} cm.",
    ],
    "it": [
        "Risolvi l'equazione {a}x + {b} = {c}.",
        "Qual è la probabilità di ottenere {k} teste lanciando {k2} monete?",
    ],
    "zh2": [
        "一个物体从{a}米高处自由下落，求落地所需时间。",
        "某商品成本{a}元，按{p}%的利润定价，售价是多少？",
        "甲乙两地相距{c}千米，两车同时相向而行，速度分别为{a}和{b}千米每小时，几小时后相遇？",
        "求函数 f(x) = x^2 - {k}x + {b} 的最小值。",
        "从{k2}个人中选出{k}人组成小组，有多少种选法？",
        "计算{a}的阶乘末尾有几个零。",
        "一个电阻两端电压为{c}伏，电流为{k}安，求电阻和功率。",
    ],
    "ru2": [
        "Какую работу совершает сила {a} Н на пути {b} м?",
        "Найдите силу тока в цепи: сопротивление {a} Ом, напряжение {c} В.",
        "Сколькими способами можно выбрать {k} человек из {k2}?",
        "Найдите наименьшее значение функции y = x^2 - {k}x + {b}.",
        "Вычислите предел (1 + 1/n)^n при n, стремящемся к бесконечности.",
        "Докажите, что число {prime2} в квадрате плюс один не делится на 3.",
    ],
    "ja2": [
        "1から{c}までの整数のうち、{k}の倍数はいくつあるか。",
        "{k2}人の中から{k}人を選ぶ方法は何通りあるか。",
        "時速{a}kmで{k}時間走ると何km進みますか。",
    ],
    "es2": [
        "Un objeto cae desde {a} metros. ¿Cuánto tarda en llegar al suelo?",
        "¿De cuántas formas se pueden elegir {k} personas de un grupo de {k2}?",
    ],
}


def _math_values(rng: random.Random) -> dict:
    a, b, c = rng.randint(3, 60), rng.randint(2, 40), rng.randint(20, 200)
    k = rng.randint(2, 6)
    return dict(
        a=a,
        b=b,
        c=c,
        k=k,
        k2=rng.randint(5, 12),
        s=rng.randint(7, 15),
        big=rng.choice([360, 1000, 2024, 5040, 10000, 123456]),
        p=rng.choice([3, 5, 7, 12, 15, 20]),
        prime=rng.choice(_PRIMES),
        prime2=rng.choice([2, 3, 5, 6, 7]),
        a2=a + k,
        a3=a + 2 * k,
        thing=rng.choice(_THINGS),
        n=rng.choice(_NAMES),
    )


def _everyday_maths(rng: random.Random) -> list[str]:
    rows: list[str] = []
    for frame in _MATH_FRAMES:
        for _ in range(6):
            rows.append(frame.format(**_math_values(rng)))
    for frames in _MATH_OTHER.values():
        for frame in frames:
            for _ in range(4):
                rows.append(frame.format(**_math_values(rng)))
    return rows


# Everyday questions, advice and conversation, including ones that mention numbers, computers or
# science without asking for a calculation or code.
_CHAT_FRAMES = [
    "Can {animal} {ability}?",
    "What would happen if {event}?",
    "Why do {group} {habit}?",
    "How does {device} work?",
    "Explain how {device} works to someone who is not technical.",
    "What is the difference between {thing1} and {thing2}?",
    "Is it bad for you to {health}?",
    "How do I {life}?",
    "Any tips on how to {life}?",
    "What should I think about before {decision}?",
    "I'm {situation}. What would you advise?",
    "Can you suggest {reco}?",
    "What are some good {reco2}?",
    "Why did {history} matter so much?",
    "What led to {history}?",
    "Who was {person} and what did they do?",
    "Explain {science} in simple terms.",
    "Why is the sky {fact}?",
    "Is {food} good for you?",
    "What do you think about {topic}?",
    "Hi! {small}",
    "{small}",
    "Tell me something interesting about {topic}.",
    "What's a fun fact about {animal}?",
    "How long do {animal} usually live?",
    "Where do {animal} sleep?",
    "What is the capital of {country} and what is it known for?",
    "What language do people speak in {country}?",
    "What's the best time of year to visit {country}?",
    "Which foods is {country} famous for?",
]
_ANIMALS = [
    "dogs",
    "cats",
    "octopuses",
    "elephants",
    "crows",
    "bees",
    "penguins",
    "horses",
    "bats",
    "dolphins",
    "parrots",
    "snails",
    "owls",
    "hedgehogs",
]
_ABILITIES = [
    "see in colour",
    "recognise themselves in a mirror",
    "swim backwards",
    "remember faces",
    "learn their own name",
    "count",
    "feel cold",
    "smell fear",
]
_EVENTS = [
    "the Earth stopped spinning",
    "all the bees disappeared",
    "the internet went down for a week",
    "everyone on Earth jumped at the same time",
    "humans could photosynthesise",
    "the oceans froze",
    "I never cut my hair",
    "we had no moon",
]
_GROUPS = ["cats", "people", "dogs", "birds", "onions", "our ears", "leaves", "stars"]
_HABITS = [
    "purr",
    "yawn when others yawn",
    "tilt their heads",
    "sleep so much",
    "migrate south in winter",
    "make us cry",
    "pop on planes",
    "change colour in autumn",
    "procrastinate",
    "twinkle",
]
_DEVICES = [
    "a microwave oven",
    "noise-cancelling headphones",
    "GPS",
    "a heat pump",
    "an induction hob",
    "Wi-Fi",
    "a refrigerator",
    "a touchscreen",
    "an electric car battery",
    "a vaccine",
    "a nuclear power plant",
    "a smoke detector",
    "a credit card chip",
    "a solar panel",
]
_PAIRS = [
    ("weather", "climate"),
    ("a virus", "bacteria"),
    ("baking soda", "baking powder"),
    ("a crocodile", "an alligator"),
    ("a latte", "a cappuccino"),
    ("stocks", "bonds"),
    ("a psychologist", "a psychiatrist"),
    ("a tornado", "a hurricane"),
    ("a Roth IRA", "a traditional IRA"),
    ("jam", "jelly"),
]
_HEALTH = [
    "skip breakfast",
    "sleep only five hours",
    "sit all day at a desk",
    "eat late at night",
    "drink energy drinks every day",
    "wear headphones for hours",
]
_LIFE = [
    "make friends in a new city",
    "stop procrastinating",
    "fall asleep faster",
    "save money on groceries",
    "prepare for a job interview",
    "keep houseplants alive",
    "get rid of fruit flies",
    "ask for a raise",
    "deal with a difficult coworker",
    "learn a new language as an adult",
    "plan a trip to Japan on a budget",
    "remove a red wine stain",
    "stay motivated to exercise",
    "teach my kid to ride a bike",
]
_DECISIONS = [
    "buying a used car",
    "adopting a cat",
    "renting my first apartment",
    "changing careers at 40",
    "choosing a family doctor",
    "taking a gap year",
    "moving in with my partner",
]
_SITUATIONS = [
    "moving abroad next month",
    "nervous about a first date",
    "feeling burned out at work",
    "starting a small business",
    "a new parent who is always tired",
    "retiring next year",
]
_RECO = [
    "a good book about the history of science",
    "a board game for four players",
    "a podcast about psychology",
    "a film for a rainy Sunday",
    "a healthy breakfast idea",
    "a weekend getaway near Berlin",
]
_RECO2 = [
    "documentaries about nature",
    "hobbies to try this winter",
    "day trips from Lisbon",
    "gift ideas for my dad",
    "names for a golden retriever",
    "ways to celebrate a birthday at home",
]
_HISTORY = [
    "the fall of the Berlin Wall",
    "the invention of the printing press",
    "the Moon landing",
    "the French Revolution",
    "the Black Death",
    "the discovery of penicillin",
    "the Silk Road",
]
_PEOPLE = ["Marie Curie", "Nikola Tesla", "Frida Kahlo", "Genghis Khan", "Ada Lovelace", "Nelson Mandela"]
_SCIENCE = [
    "black holes",
    "photosynthesis",
    "how vaccines train the immune system",
    "inflation",
    "plate tectonics",
    "why we dream",
    "the greenhouse effect",
    "DNA",
    "how the stock market works",
    "quantum entanglement",
]
_FACTS = ["blue", "red at sunset", "dark at night even though there are so many stars"]
_FOODS = ["dark chocolate", "olive oil", "white rice", "oat milk", "kimchi"]
_TOPICS_CHAT = [
    "the Roman Empire",
    "volcanoes",
    "coffee",
    "the deep sea",
    "the Olympic Games",
    "space travel",
]
_COUNTRIES = ["Portugal", "Vietnam", "Peru", "Norway", "Morocco", "New Zealand", "Canada", "Kenya"]
_SMALL = [
    "How are you today?",
    "I had a long day at work. Can we just chat for a bit?",
    "What's your favourite season?",
    "Good morning! Any plans for the weekend?",
    "I just got a new puppy!",
    "Thanks, that was really helpful.",
    "Do you like music?",
    "Tell me a joke.",
    "I'm bored, what should I do tonight?",
]
_CHAT_OTHER = [
    "¿Es verdad que los camellos guardan agua en la joroba?",
    "¿Qué puedo cocinar con arroz y huevos?",
    "Gibt es in Island Bäume?",
    "Soll ich mir ein E-Bike kaufen?",
    "Est-ce que les chats voient dans le noir ?",
    "Quel est le meilleur moment pour visiter le Japon ?",
    "Можно ли пить воду из-под крана в Москве?",
    "Почему осенью листья желтеют?",
    "Какие книги почитать летом?",
    "猫可以吃巧克力吗？",
    "长城有多长？",
    "北京有哪些好吃的？",
    "为什么人会做梦？",
    "犬はなぜしっぽを振るのですか？",
    "日本でチップは必要ですか？",
    "커피를 많이 마시면 몸에 안 좋나요?",
    "Có nên uống nước chanh mỗi sáng không?",
    "È vero che i pesci rossi hanno poca memoria?",
    "Os gatos enxergam no escuro?",
    "Czy psy widzą kolory?",
    "Köpekler renkleri görebilir mi?",
    "¿Por qué los gatos ronronean?",
    "¿Es malo dormir con el móvil cerca?",
    "¿Qué me recomiendas visitar en Sevilla?",
    "Warum ist der Himmel blau?",
    "Wie kann ich besser schlafen?",
    "Was sind gute Hobbys für den Winter?",
    "Pourquoi les feuilles changent-elles de couleur en automne ?",
    "Comment se faire des amis dans une nouvelle ville ?",
    "Почему кошки мурлыкают?",
    "Как перестать откладывать дела на потом?",
    "Что посмотреть в Петербурге за два дня?",
    "为什么天空是蓝色的？",
    "怎么才能睡得更好？",
    "你好，今天过得怎么样？",
    "有什么适合周末看的电影吗？",
    "なぜ猫は喉を鳴らすのですか？",
    "東京でおすすめの観光地はどこですか？",
    "왜 하늘은 파란가요?",
    "주말에 할 만한 취미 추천해 줘",
    "Tại sao lá cây chuyển màu vào mùa thu?",
    "Làm sao để ngủ ngon hơn?",
    "Perché il cielo è blu?",
    "Por que os gatos ronronam?",
    "Neden gökyüzü mavidir?",
    "Waarom is de lucht blauw?",
    "Jak szybciej zasypiać?",
    "لماذا السماء زرقاء؟",
    "आसमान नीला क्यों होता है?",
]


def _everyday_chat(rng: random.Random) -> list[str]:
    rows: list[str] = []
    for frame in _CHAT_FRAMES:
        for _ in range(8):
            thing1, thing2 = rng.choice(_PAIRS)
            rows.append(
                frame.format(
                    animal=rng.choice(_ANIMALS),
                    ability=rng.choice(_ABILITIES),
                    event=rng.choice(_EVENTS),
                    group=rng.choice(_GROUPS),
                    habit=rng.choice(_HABITS),
                    device=rng.choice(_DEVICES),
                    thing1=thing1,
                    thing2=thing2,
                    health=rng.choice(_HEALTH),
                    life=rng.choice(_LIFE),
                    decision=rng.choice(_DECISIONS),
                    situation=rng.choice(_SITUATIONS),
                    reco=rng.choice(_RECO),
                    reco2=rng.choice(_RECO2),
                    history=rng.choice(_HISTORY),
                    person=rng.choice(_PEOPLE),
                    science=rng.choice(_SCIENCE),
                    fact=rng.choice(_FACTS),
                    food=rng.choice(_FOODS),
                    topic=rng.choice(_TOPICS_CHAT),
                    small=rng.choice(_SMALL),
                    country=rng.choice(_COUNTRIES),
                )
            )
    return rows + _CHAT_OTHER


# Role instructions ("Act as ..."), command-line and library questions, and yes/no questions.
_ROLES = [
    ("a travel guide", "tell you where I am", "suggest places to visit nearby"),
    ("a storyteller", "give you a theme", "tell an engaging story for children"),
    ("a copywriter", "describe a product", "write three taglines and a short ad"),
    ("a poet", "give you a mood", "write a poem that captures it"),
    ("an English teacher", "send you my essays", "correct them and explain the mistakes"),
    ("a screenwriter", "describe two characters", "write a scene where they meet"),
    ("a speechwriter", "tell you the occasion", "draft a two-minute speech"),
    ("a lyricist", "give you a topic", "write a verse and a chorus"),
    ("an editor at a magazine", "paste my draft article", "tighten the prose and suggest a headline"),
    ("a novelist", "give you a setting", "write the opening page of a mystery"),
]
_ROLE_FRAMES = [
    "Act as {role}. I will {give}, and you will {do}.",
    "I want you to act as {role}. I will {give} and you should {do}.",
    "From now on you are {role}. When I {give}, {do}.",
    "Take the role of {role}: I {give}, you {do}. Ready?",
]
_PROPOSALS = [
    "a proposal to open a second location of my coffee shop",
    "a plan to launch our online store",
    "a pitch for a community garden",
    "a grant application summary for a youth music program",
    "a one-page business plan for a mobile bike repair service",
    "a marketing plan for a new board game",
]
_CLI = [
    "find files larger than 1 GB",
    "see which process is using port 8080",
    "extract a .tar.gz archive",
    "copy files over SSH",
    "change file permissions recursively",
    "count lines in all .py files",
    "kill a process that is not responding",
    "schedule a script to run every hour",
    "check disk usage by folder",
    "search for a string in all files",
    "follow a log file as it grows",
    "list open network connections",
]
_LIBS = [
    ("scikit-learn", "max_depth in a random forest"),
    ("pandas", "the difference between loc and iloc"),
    ("PyTorch", "what requires_grad does"),
    ("React", "when useMemo is worth it"),
    ("NumPy", "how broadcasting works"),
    ("Django", "what select_related does"),
    ("TensorFlow", "what the batch size changes"),
    ("Keras", "what validation_split does"),
    ("Spark", "why a shuffle is expensive"),
    ("Redis", "when to use a sorted set"),
]
_CODING_MORE = [
    "How do I {cli} on the Linux command line?",
    "What's the command to {cli} on macOS?",
    "In PowerShell, how can I {cli}?",
    "Explain {libq} in {lib}.",
    "In {lib}, can you explain {libq}?",
    "What is {lib} used for, and when should I not use it?",
]
_YES_NO = [
    "Are tomatoes a fruit or a vegetable?",
    "Is it rude not to tip in Japan?",
    "Do penguins have knees?",
    "Was Cleopatra Greek or Egyptian?",
    "Did the Vikings reach North America?",
    "Can you freeze cooked rice?",
    "Should I stretch before or after running?",
    "Is there life under the ice of Europa?",
    "Are pandas really bears?",
    "Does Iceland have an army?",
    "Can you get sunburned on a cloudy day?",
    "Is honey better than sugar?",
    "Do fish sleep?",
    "Are bananas radioactive?",
    "Can dogs eat grapes?",
    "Is Pluto still a planet?",
    "Did dinosaurs and humans ever live at the same time?",
    "Is it normal to dream every night?",
    "Are cats colour-blind?",
    "Is coffee a diuretic?",
    "Can you learn to sing if you are tone-deaf?",
    "Is it legal to drive barefoot in the UK?",
    "Do plants feel anything?",
    "Are twins' fingerprints the same?",
    "Is it true that camels store water in their humps?",
    "Should I buy or lease a car?",
    "Does the Amazon have any bridges across it?",
    "Is Antarctica a desert?",
    "Are there more trees on Earth than stars in the Milky Way?",
    "Can a person be allergic to water?",
    "Was the Titanic the biggest ship of its time?",
    "Do octopuses have three hearts?",
    "Is a tomato plant toxic to cats?",
    "Is it OK to wash a wool sweater in the machine?",
    "Does music help plants grow?",
    "Can owls turn their heads all the way around?",
    "Is it worth learning Latin today?",
    "Did Einstein fail maths at school?",
    "Are all swans white?",
    "Is the Mediterranean saltier than the Atlantic?",
    "Can you see the Northern Lights from Scotland?",
    "Do I need a visa to visit Brazil?",
    "Is it bad to wake up at different times every day?",
    "Are electric scooters allowed on pavements in Paris?",
    "Is organic food more nutritious?",
    "Do bees sleep?",
    "Is it safe to eat the skin of a kiwi?",
    "Is a whale a fish?",
]


def _everyday_more(rng: random.Random) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for frame, (role, give, do) in product(_ROLE_FRAMES, _ROLES):
        rows.append((frame.format(role=role, give=give, do=do), "writing"))
    for proposal in _PROPOSALS:
        rows.append((rng.choice(["Draft ", "Can you write ", "Help me write "]) + proposal + ".", "writing"))
    for frame in _CODING_MORE:
        for _ in range(8):
            lib, libq = rng.choice(_LIBS)
            rows.append((frame.format(cli=rng.choice(_CLI), lib=lib, libq=libq), "coding"))
    rows += [(text, "general_chat") for text in _YES_NO]
    return rows


# More shapes of the same intents: infrastructure how-tos and role-play openers.
_TOOLS = [
    "Docker Compose",
    "kubectl",
    "Helm",
    "Terraform",
    "Ansible",
    "Jenkins",
    "Prometheus",
    "Grafana",
    "PostgreSQL",
    "Redis",
    "Kafka",
    "nginx",
    "Traefik",
    "Vault",
    "GitLab CI",
    "Azure DevOps",
]
_TOOL_TASKS = [
    "set up a three-node cluster",
    "configure TLS certificates",
    "roll back a failed deployment",
    "add a health check",
    "limit memory and CPU",
    "rotate the logs",
    "mount a persistent volume",
    "expose a port to the host",
    "store secrets safely",
    "run database migrations on deploy",
    "alert when error rates rise",
    "replicate data to a second region",
]
_TOOL_FRAMES = [
    "How do I {tt} with {tool}?",
    "What's the right way to {tt} in {tool}?",
    "{tool}: how can I {tt}?",
    "Show me a {tool} config that lets me {tt}.",
    "I'm new to {tool}. How would I {tt}?",
]
_ROLEPLAY_FRAMES = [
    "Pretend you are {persona} and {pact}.",
    "Roleplay as {persona}. {Pact}.",
    "Stay in character as {persona} and {pact}.",
    "Speaking as {persona}, {pact}.",
    "Write in the voice of {persona}: {pact}.",
    "You're {persona}. {Pact}, in the first person.",
]
_ROLEPLAY_ACTS = [
    "describe your workplace late at night",
    "tell us about your strangest customer",
    "explain your job to a child",
    "describe the moment everything went wrong",
    "say goodbye to your colleagues",
    "welcome new visitors",
]


def _everyday_shapes(rng: random.Random) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for frame in _TOOL_FRAMES:
        for _ in range(10):
            rows.append((frame.format(tt=rng.choice(_TOOL_TASKS), tool=rng.choice(_TOOLS)), "coding"))
    for frame in _ROLEPLAY_FRAMES:
        for _ in range(8):
            act = rng.choice(_ROLEPLAY_ACTS + _PERSONA_ACTS)
            row = frame.format(persona=rng.choice(_PERSONAS), pact=act, Pact=act[0].upper() + act[1:])
            rows.append((row, "writing"))
    return rows


def _everyday() -> list[tuple[str, str]]:
    rng = random.Random(SEED + 1)
    rows = [(t, "coding") for t in _everyday_coding(rng)]
    rows += [(t, "writing") for t in _everyday_writing(rng)]
    rows += [(t, "translation") for t in _everyday_translation(rng)]
    rows += [(t, "math") for t in _everyday_maths(rng)]
    rows += [(t, "general_chat") for t in _everyday_chat(rng)]
    rows += _everyday_more(rng)
    rows += _everyday_shapes(rng)
    return list(dict.fromkeys(rows))


# --- more kinds of ordinary request ------------------------------------------------------------
# Kinds the rows above still under-cover: physics, chemistry, biology and money calculations
# (maths, not chat, even when phrased as a science question), competition-style problems,
# Fermi estimates phrased as a plain "how many ...?", the same in other languages; short
# imperatives that name a less common framework, tool or language (coding); table, CSV and JSON
# reshaping (data); business writing, summaries and rewrites of a pasted passage (writing);
# conceptual science and everyday questions, opinions and conversation (general chat), which
# keep "a question that mentions physics" apart from "a physics calculation". Fixed seed.

_SCIENCE_CALC = [
    "A {m} kg box slides down a frictionless ramp inclined at {deg} degrees. What is its acceleration?",
    "A stone is launched at {v} m/s, {deg} degrees above the horizontal. Find its range and its "
    "maximum height (ignore air resistance).",
    "How many moles are there in {g} g of {compound}?",
    "What mass of {compound} is needed to make {vol} mL of a {conc} M solution?",
    "Find the pH of a {conc} M solution of hydrochloric acid.",
    "Acetic acid has Ka = 1.8e-5. What is the pH of a {conc} M solution?",
    "A gas fills {vol} mL at {t1} K and {p1} atm. What volume does it fill at {t2} K and {p2} atm?",
    "How many grams of water form when {g} g of hydrogen burns completely in oxygen?",
    "An isotope has a half-life of {h} years. What fraction of a sample is left after {t} years?",
    "Resistors of {r1} ohm and {r2} ohm are wired in parallel to a {volt} V battery. What current "
    "does the battery supply?",
    "An object stands {d} cm in front of a converging lens with focal length {f} cm. Where does the "
    "image form, and what is the magnification?",
    "A spring with k = {k} N/m is compressed by {x} cm. How much elastic energy does it hold?",
    "A {m} kg cart moving at {v} m/s hits a stationary {m2} kg cart and they stick. What is their "
    "common speed, and how much kinetic energy is lost?",
    "What is the wavelength of a photon carrying {ev} eV?",
    "How much heat melts {g} g of ice at 0 °C and then warms the water to {tc} °C?",
    "A {cap} microfarad capacitor is charged to {volt} V. How much energy does it store?",
    "A satellite circles the Earth {alt} km above the surface. Find its orbital period.",
    "A pendulum is {len} m long. What is its period on the Moon, where g = 1.62 m/s^2?",
    "Sound travels at 343 m/s. An echo returns {t} seconds after a shout. How far away is the cliff?",
    "A {w} W heater runs for {hrs} hours a day. At {price} cents per kWh, what does it cost per month?",
    "A culture of bacteria doubles every {h} minutes. Starting from {n0} cells, how many are there "
    "after {hrs} hours?",
    "Two heterozygous parents (Aa x Aa) have {kids} children. What is the probability that exactly "
    "one of them shows the recessive trait?",
    "A car brakes from {v} m/s to rest over {d} m. What is the deceleration, and how long does it take?",
    "How much work does it take to lift a {m} kg crate onto a shelf {len} m high?",
    "Water flows through a pipe of diameter {d} cm at {v} m/s. What is the flow rate in litres per second?",
    "A product costs {c} dollars to make, sells for {price} dollars, and fixed costs are {fixed} dollars "
    "a month. How many units must be sold to break even?",
    "Sales grew from {g} to {fixed} thousand dollars in {t} years. What is the compound annual growth rate?",
    "A project costs {fixed} dollars now and returns {ret} dollars a year for {t} years. What is its net "
    "present value at a {pct}% discount rate?",
    "When the price rises from {c} to {price} dollars, demand falls from {fixed} to {q2} units. What is "
    "the price elasticity of demand?",
]
_COMPOUNDS = [
    "sodium chloride",
    "calcium carbonate",
    "glucose",
    "sulfuric acid",
    "sodium hydroxide",
    "ethanol",
]
_SCIENCE_CALC_OTHER = {
    "zh": [
        "质量为{m}千克的物体从高{len}米处自由下落，求落地时的速度。",
        "把{g}克氯化钠溶于水配成{vol}毫升溶液，求溶液的物质的量浓度。",
        "一个{r1}欧姆的电阻和一个{r2}欧姆的电阻并联在{volt}伏电源上，求干路电流。",
        "某放射性元素的半衰期为{h}年，经过{t}年后剩余多少？",
        "一个弹簧的劲度系数为{k}牛每米，压缩{x}厘米时储存多少弹性势能？",
        "以{v}米每秒的速度竖直上抛一个小球，求它能达到的最大高度。",
        "标准状况下，{g}克二氧化碳的体积是多少升？",
    ],
    "ru": [
        "Тело массой {m} кг соскальзывает с гладкой наклонной плоскости под углом {deg} градусов. "
        "Найдите ускорение.",
        "Сколько молей содержится в {g} г карбоната кальция?",
        "Рассчитайте pH раствора соляной кислоты с концентрацией {conc} моль/л.",
        "Период полураспада изотопа {h} лет. Какая доля останется через {t} лет?",
        "Конденсатор ёмкостью {cap} мкФ заряжен до {volt} В. Какую энергию он запасает?",
        "Какое количество теплоты нужно, чтобы расплавить {g} г льда при 0 °C?",
        "Автомобиль тормозит со скорости {v} м/с до остановки на пути {d} м. Найдите ускорение.",
    ],
    "es": [
        "Un bloque de {m} kg baja por un plano inclinado sin rozamiento de {deg} grados. ¿Cuál es su "
        "aceleración?",
        "¿Cuántos moles hay en {g} g de glucosa?",
        "Calcula el pH de una disolución {conc} M de ácido clorhídrico.",
        "Un muelle de constante {k} N/m se comprime {x} cm. ¿Qué energía almacena?",
    ],
    "de": [
        "Ein Körper der Masse {m} kg fällt aus {len} m Höhe. Mit welcher Geschwindigkeit trifft er auf?",
        "Wie viel Mol sind {g} g Natriumchlorid?",
        "Berechne den pH-Wert einer {conc}-molaren Salzsäurelösung.",
        "Ein Heizlüfter mit {w} W läuft {hrs} Stunden. Wie viel kostet das bei {price} Cent pro kWh?",
    ],
    "fr": [
        "Un objet de {m} kg glisse sur un plan incliné de {deg} degrés sans frottement. Quelle est son "
        "accélération ?",
        "Combien de moles y a-t-il dans {g} g de carbonate de calcium ?",
        "Calculer le pH d'une solution d'acide chlorhydrique à {conc} mol/L.",
        "Une lentille convergente a une distance focale de {f} cm. Où se forme l'image d'un objet placé "
        "à {d} cm ?",
    ],
    "ja": [
        "質量{m}kgの物体を高さ{len}mから落とすとき、地面に達する直前の速さを求めよ。",
        "{g}gのグルコースは何molか。",
        "濃度{conc}mol/Lの塩酸のpHを求めなさい。",
    ],
    "ko": [
        "질량 {m}kg인 물체를 {len}m 높이에서 떨어뜨릴 때 바닥에 닿는 순간의 속력을 구하시오.",
        "염산 {conc}M 용액의 pH를 구하시오.",
    ],
    "pt": [
        "Um corpo de {m} kg cai de uma altura de {len} m. Com que velocidade chega ao solo?",
        "Quantos mols existem em {g} g de hidróxido de sódio?",
    ],
    "it": ["Quante moli ci sono in {g} g di cloruro di sodio?"],
    "vi": [
        "Một vật có khối lượng {m} kg rơi tự do từ độ cao {len} m. Tính vận tốc khi chạm đất.",
        "Tính số mol có trong {g} g canxi cacbonat.",
    ],
    "tr": ["{m} kg kütleli bir cisim {len} m yükseklikten düşüyor. Yere çarpma hızını bulunuz."],
    "pl": ["Oblicz pH roztworu kwasu solnego o stężeniu {conc} mol/dm3."],
}


def _science_values(rng: random.Random) -> dict:
    fixed = rng.choice([1200, 3000, 4500, 10000])
    return dict(
        m=rng.choice([2, 3, 5, 8, 10, 12, 20]),
        m2=rng.choice([1, 4, 6, 9]),
        deg=rng.choice([15, 20, 25, 30, 37, 45, 53, 60]),
        v=rng.choice([5, 8, 12, 15, 20, 25, 30]),
        g=rng.choice([4, 10, 18, 25, 36, 50, 90, 117]),
        compound=rng.choice(_COMPOUNDS),
        vol=rng.choice([100, 250, 500, 750]),
        conc=rng.choice(["0.01", "0.05", "0.1", "0.2", "0.001"]),
        t1=rng.choice([273, 290, 300, 320]),
        t2=rng.choice([250, 350, 373, 400]),
        p1=rng.choice([1, 2, 3]),
        p2=rng.choice([0.5, 1.5, 4]),
        h=rng.choice([5, 8, 12, 20, 30, 5730]),
        t=rng.choice([2, 3, 4, 6, 10, 15]),
        r1=rng.choice([4, 6, 10, 12, 30]),
        r2=rng.choice([3, 5, 15, 20, 60]),
        volt=rng.choice([6, 9, 12, 24, 120, 230]),
        d=rng.choice([10, 15, 25, 40, 60]),
        f=rng.choice([5, 8, 10, 20]),
        k=rng.choice([50, 120, 200, 400, 800]),
        x=rng.choice([2, 3, 5, 8, 10]),
        ev=rng.choice(["1.5", "2.1", "3", "10"]),
        tc=rng.choice([20, 37, 50, 80]),
        cap=rng.choice([10, 47, 100, 220, 470]),
        alt=rng.choice([400, 800, 2000, 20000, 35786]),
        len=rng.choice([1, 2, 3, 5, 20, 45]),
        w=rng.choice([800, 1200, 1500, 2000]),
        hrs=rng.choice([2, 3, 4, 6, 8]),
        price=rng.choice([12, 18, 25, 30, 40]),
        n0=rng.choice([100, 500, 1000, 2000]),
        kids=rng.choice([3, 4, 5]),
        c=rng.choice([4, 6, 9, 11]),
        fixed=fixed,
        ret=fixed // rng.choice([3, 4, 5]),
        q2=fixed * rng.choice([6, 7, 8]) // 10,
        pct=rng.choice([4, 6, 8, 10]),
    )


# Problems in the style of olympiads, qualifying exams and university courses.
_CONTEST = [
    "Let $n$ be a positive integer. Show that $n^{{{e}}} - n$ is divisible by {e}.",
    "Find the number of ordered pairs $(a, b)$ of positive integers with $a + b = {big}$ and "
    "$\\gcd(a, b) = 1$.",
    "Find all real $x$ with $\\sqrt{{x + {a}}} + \\sqrt{{x}} = {b}$.",
    "Triangle $ABC$ has $AB = {a}$, $BC = {b}$ and $CA = {c}$. Find the length of the altitude from $A$.",
    "How many subsets of $\\{{1, 2, \\dots, {n}\\}}$ contain no two consecutive integers?",
    "Find the smallest positive integer $n$ such that $n^2 + {a}$ is divisible by {p}.",
    "Find all functions $f: \\mathbb{{R}} \\to \\mathbb{{R}}$ with $f(x + y) = f(x) + f(y) + {a}xy$ for "
    "all real $x, y$.",
    "Evaluate $\\sum_{{k=1}}^{{{n}}} k \\cdot {e}^k$ in closed form.",
    "Positive reals $a, b, c$ satisfy $a + b + c = {e}$. Find the maximum of $abc$ and prove it.",
    "A point is chosen uniformly at random in a square of side {e}. What is the probability that it "
    "lies within distance 1 of the centre?",
    "Solve the recurrence $a_n = {e} a_{{n-1}} + {a} a_{{n-2}}$ with $a_0 = 1$, $a_1 = {b}$.",
    "Let $G$ be a group of order {big2}. Prove that $G$ has a normal Sylow subgroup.",
    "Find the Taylor expansion of $\\ln(1 + {e}x)$ around $x = 0$ up to the $x^4$ term.",
    "Solve the differential equation $y'' - {s}y' + {q}y = 0$ with $y(0) = 1$ and $y'(0) = 0$.",
    "Find a basis for the null space of the matrix [[1, {e}, {a}], [2, {s}, {q}], [3, {b}, {c}]].",
    "Compute $\\lim_{{x \\to 0}} \\frac{{\\sin({e}x) - {e}x}}{{x^3}}$.",
    "Show that $f(x) = x^{e}$ is not uniformly continuous on $[0, \\infty)$.",
    "In how many ways can {n} people sit around a round table if two particular people refuse to sit "
    "next to each other?",
    "What is the expected number of cards drawn from a shuffled deck until the first ace appears?",
    "A random walk on the integers starts at 0 and moves +1 or -1 with equal probability. What is the "
    "probability it reaches {e} before -{a}?",
    "Find the Laplace transform of $t^{e} e^{{-{a}t}}$.",
    "Determine the radius of convergence of $\\sum_{{n \\ge 1}} \\frac{{{e}^n x^n}}{{n^2}}$.",
    "Prove that among any {n} integers there are two whose difference is divisible by {nm1}.",
    "Let $X_1, \\dots, X_{n}$ be independent uniform variables on $[0, 1]$. Find $E[\\max X_i]$.",
    "Compute the determinant of the {n}x{n} matrix with 2 on the diagonal and 1 everywhere else.",
]
_CONTEST_OTHER = {
    "zh": [
        "设$n$为正整数，证明$n^{e} - n$能被{e}整除。",
        "求满足$a + b = {big}$且$\\gcd(a, b) = 1$的正整数有序对$(a, b)$的个数。",
        "已知三角形$ABC$中，$AB = {a}$，$BC = {b}$，$CA = {c}$，求$BC$边上的高。",
        "求所有满足$f(x + y) = f(x) + f(y) + {a}xy$的函数$f: \\mathbb{{R}} \\to \\mathbb{{R}}$。",
        "计算极限$\\lim_{{x \\to 0}} \\frac{{\\sin({e}x) - {e}x}}{{x^3}}$。",
        "解微分方程$y'' - {s}y' + {q}y = 0$。",
        "从一副洗好的扑克牌中依次抽牌，求第一次抽到A之前平均要抽多少张。",
        "{n}个人围坐一张圆桌，其中两人不相邻，有多少种坐法？",
    ],
    "ru": [
        "Докажите, что при любом натуральном $n$ число $n^{e} - n$ делится на {e}.",
        "Найдите все действительные $x$, для которых $\\sqrt{{x + {a}}} + \\sqrt{{x}} = {b}$.",
        "Сколько подмножеств множества $\\{{1, 2, \\dots, {n}\\}}$ не содержат двух соседних чисел?",
        "Найдите радиус сходимости ряда $\\sum_{{n \\ge 1}} {e}^n x^n / n^2$.",
        "Решите рекуррентное соотношение $a_n = {e} a_{{n-1}} + {a} a_{{n-2}}$, $a_0 = 1$, $a_1 = {b}$.",
        "Найдите математическое ожидание максимума из {n} независимых равномерных на $[0, 1]$ величин.",
    ],
    "ja": [
        "$n$を正の整数とする。$n^{e} - n$が{e}で割り切れることを示せ。",
        "極限$\\lim_{{x \\to 0}} \\frac{{\\sin({e}x) - {e}x}}{{x^3}}$を求めよ。",
    ],
    "ko": ["모든 양의 정수 $n$에 대하여 $n^{e} - n$이 {e}로 나누어떨어짐을 증명하시오."],
    "es": [
        "Demuestra que para todo entero positivo $n$, $n^{e} - n$ es divisible por {e}.",
        "Halla el radio de convergencia de la serie $\\sum {e}^n x^n / n^2$.",
    ],
    "de": ["Zeige, dass $n^{e} - n$ für jede natürliche Zahl $n$ durch {e} teilbar ist."],
    "fr": [
        "Montrer que pour tout entier $n \\ge 1$, $n^{e} - n$ est divisible par {e}.",
        "Déterminer le rayon de convergence de la série $\\sum {e}^n x^n / n^2$.",
    ],
}


def _contest_values(rng: random.Random) -> dict:
    n = rng.randint(5, 12)
    return dict(
        e=rng.choice([2, 3, 5, 7]),
        a=rng.randint(2, 9),
        b=rng.randint(3, 12),
        c=rng.randint(5, 15),
        n=n,
        nm1=n - 1,
        p=rng.choice([7, 11, 13, 17, 19, 23]),
        big=rng.choice([60, 84, 100, 126, 210, 360]),
        big2=rng.choice([15, 35, 45, 77, 91]),
        s=rng.choice([3, 5, 7]),
        q=rng.choice([2, 4, 6, 10]),
    )


# Fermi estimates written the way people ask them: a plain "how many ...?" plus a request to reason.
_FERMI_THINGS = [
    "times a hummingbird's heart beats in a year",
    "cups of tea are drunk in the United Kingdom every day",
    "steps it would take to walk around the equator",
    "haircuts are given in Paris on a typical day",
    "kilometres of pasta Italy eats in a year",
    "heartbeats a person has by the age of eighty",
    "bathtubs of water an Olympic pool holds",
    "bicycles there are in Amsterdam",
    "pizza deliveries happen in New York on a Friday night",
    "litres of air an adult breathes in a day",
    "trees it would take to cover Ireland",
    "dentists work in Spain",
    "bus stops there are in London",
    "hours of video the world streams in a minute",
    "eggs are laid in France each day",
    "commercial flights are in the air right now",
    "kilograms of food a person eats in a lifetime",
    "pennies would stack up to the height of Mount Everest",
    "marbles would fill a shipping container",
    "windows there are in Manhattan",
]
_FERMI_FRAMES = [
    "How many {thing}? Walk me through your reasoning step by step.",
    "Roughly how many {thing}? Explain how you get to your estimate.",
    "Estimate how many {thing}. Show each assumption and the arithmetic.",
    "About how many {thing}? I want the order of magnitude and the reasoning behind it.",
    "Can you work out approximately how many {thing}? Take me through it.",
    "Make an educated guess: how many {thing}? Explain each step.",
]
_FERMI_OTHER = [
    "估算一下{thing_zh}？请一步一步说明你的推理。",
    "Оцените, сколько {thing_ru}. Объясните ход рассуждений.",
    "¿Cuántos {thing_es}, aproximadamente? Explica tu razonamiento paso a paso.",
    "Schätze ab, wie viele {thing_de}. Erkläre jeden Schritt.",
    "Estime combien {thing_fr}. Détaille ton raisonnement.",
]
_FERMI_ML = [
    {
        "thing_zh": "上海一天会卖出多少杯咖啡",
        "thing_ru": "настройщиков пианино работает в Москве",
        "thing_es": "litros de agua usa una ciudad de un millón de habitantes al día",
        "thing_de": "Fahrräder es in Deutschland gibt",
        "thing_fr": "de baguettes sont vendues en France chaque jour",
    },
    {
        "thing_zh": "北京有多少个红绿灯",
        "thing_ru": "шагов человек делает за всю жизнь",
        "thing_es": "taxis circulan en Ciudad de México",
        "thing_de": "Liter Bier in München während des Oktoberfests getrunken werden",
        "thing_fr": "de pages un étudiant lit pendant ses études",
    },
    {
        "thing_zh": "一个人一辈子大约走多少步",
        "thing_ru": "кирпичей нужно для пятиэтажного дома",
        "thing_es": "granos de arroz caben en una taza",
        "thing_de": "Tennisbälle in einen Linienbus passen",
        "thing_fr": "de cheveux a une personne sur la tête",
    },
]

# Short imperatives that name a framework, engine, language or tool the rows above do not.
_RARE_TECH = [
    "SolidJS",
    "Qwik",
    "Astro",
    "Remix",
    "htmx",
    "Alpine.js",
    "Phoenix LiveView",
    "Bevy",
    "LÖVE",
    "raylib",
    "PICO-8",
    "Streamlit",
    "Gradio",
    "Textual",
    "Tauri",
    "Ktor",
    "Quarkus",
    "Gin",
    "Actix Web",
    "Axum",
    "Vapor",
    "Blazor",
    "Elm",
    "Nim",
    "OCaml",
    "F#",
    "Clojure",
    "Racket",
    "Prolog",
    "Fortran",
    "COBOL",
    "Verilog",
    "Solidity",
    "Arduino",
    "MicroPython",
    "GDScript",
    "Roblox Luau",
    "AutoHotkey",
    "Google Apps Script",
    "Three.js",
    "p5.js",
    "D3.js",
    "Phaser",
    "Pyodide",
    "Polars",
    "DuckDB",
    "Apache Airflow",
    "dbt",
    "LangChain",
    "Hugging Face Transformers",
    "OpenCV",
    "Pydantic",
    "SQLAlchemy",
    "Prisma",
    "tRPC",
    "Redux Toolkit",
    "Zustand",
    "React Native",
    "Ionic",
    "Capacitor",
    "Expo",
    "WebGL",
    "WebAssembly",
    "CUDA",
    "OpenMP",
    "MPI",
    "Bazel",
    "CMake",
    "Nix",
]
_SMALL_APPS = [
    "a memory matching game",
    "a snake game",
    "a countdown timer",
    "a quiz app with a score",
    "a dark-mode toggle",
    "a markdown editor with live preview",
    "an infinite scroll list",
    "a contact form that sends an email",
    "a particle animation",
    "a bouncing ball demo",
    "a login screen",
    "a calculator",
    "a colour picker",
    "a file uploader",
    "a chat widget",
    "a maze generator",
    "a typing speed test",
    "a Conway's Game of Life board",
    "a bar chart of monthly sales",
    "a simple key-value store",
    "a blinking LED",
    "a platformer character that can double jump",
    "a health bar that drains over time",
    "a REST endpoint that returns the current time",
]
_RARE_FRAMES = [
    "Make {app} in {tech}",
    "{app} in {tech}",
    "Create {app} with {tech}.",
    "Write {app} using {tech}",
    "Code {app} in {tech}, please.",
    "Give me {app} built with {tech}.",
    "Show a minimal {tech} example: {app}.",
    "Port {app} from {tech2} to {tech}.",
    "I need {app} in {tech} - just the code.",
    "How would you structure {app} in {tech}?",
    "Set up a new {tech} project and add {app} to it.",
    "Is {tech} a good fit for {app}? Show a starting point.",
]
_ALGOS = [
    "Dijkstra's shortest path",
    "a trie with prefix search",
    "quicksort with a random pivot",
    "the Knuth-Morris-Pratt string search",
    "a min-heap",
    "union-find with path compression",
    "topological sort",
    "the A* search algorithm",
    "Levenshtein distance",
    "a bloom filter",
    "a ring buffer",
    "run-length encoding",
    "a token bucket rate limiter",
    "Huffman coding",
    "matrix multiplication with tiling",
    "the sieve of Eratosthenes",
    "k-means clustering from scratch",
    "a consistent-hashing ring",
]
_ALGO_FRAMES = [
    "Implement {algo} in {lang}.",
    "Write {algo} in {lang} with tests.",
    "Give me a clean {lang} implementation of {algo}.",
    "{lang}: implement {algo} and state its time complexity.",
    "Code {algo} in {lang} without using any library.",
]
_CODING_EXTRA_OTHER = [
    "用{tech}做一个{app_zh}，给出完整代码。",
    "请用{lang}实现{algo_zh}。",
    "Сделай {app_ru} на {tech}.",
    "Реализуй {algo_ru} на {lang}.",
    "Haz {app_es} en {tech}.",
    "Implementiere {algo_de} in {lang}.",
    "Fais {app_fr} avec {tech}.",
    "{tech}で{app_ja}を作って",
    "{lang}로 {algo_ko}을 구현해 줘",
]
_CODING_EXTRA_ML = [
    {
        "app_zh": "计时器",
        "app_ru": "таймер обратного отсчёта",
        "app_es": "un temporizador",
        "app_fr": "un minuteur",
        "app_ja": "タイマー",
        "algo_zh": "快速排序",
        "algo_ru": "быструю сортировку",
        "algo_de": "Quicksort",
        "algo_ko": "퀵 정렬",
    },
    {
        "app_zh": "猜数字游戏",
        "app_ru": "игру «угадай число»",
        "app_es": "un juego de adivinar números",
        "app_fr": "un jeu de devinette de nombres",
        "app_ja": "数当てゲーム",
        "algo_zh": "二分查找",
        "algo_ru": "двоичный поиск",
        "algo_de": "die binäre Suche",
        "algo_ko": "이진 탐색",
    },
    {
        "app_zh": "聊天室",
        "app_ru": "простой чат",
        "app_es": "una sala de chat",
        "app_fr": "un salon de discussion",
        "app_ja": "チャットアプリ",
        "algo_zh": "迪杰斯特拉最短路径算法",
        "algo_ru": "алгоритм Дейкстры",
        "algo_de": "den Dijkstra-Algorithmus",
        "algo_ko": "다익스트라 알고리즘",
    },
]

# Data: reshaping and cleaning tables, CSV, JSON and spreadsheets.
_DATASETS = [
    ("orders.csv", "order_id, customer, date, amount"),
    ("employees.xlsx", "name, department, start_date, salary"),
    ("sensor_log.csv", "device_id, timestamp, temperature, humidity"),
    ("survey.csv", "respondent, age_group, q1, q2, q3"),
    ("products.json", "sku, title, price, tags"),
    ("visits.csv", "page, referrer, visited_at, duration_s"),
    ("grades.xlsx", "student, subject, term, score"),
    ("transactions.csv", "account, booked_on, description, debit, credit"),
]
_DATA_FRAMES = [
    "I have {file} with columns {cols}. Reshape it from long to wide format.",
    "My {file} ({cols}) has duplicate rows and blank cells. How should I clean it?",
    "Turn {file} with columns {cols} into a pivot table with monthly totals.",
    "Merge {file} ({cols}) with a second file that shares the first column, keeping unmatched rows.",
    "Convert {file} into nested JSON grouped by the second column. Columns: {cols}.",
    "Which summary statistics and charts would you make first for {file} ({cols})?",
    "Normalise the dates and remove outliers in {file}; the columns are {cols}.",
    "Split {file} ({cols}) into one sheet per value of the second column.",
    "Flatten this JSON into a table with one row per item: {json}",
    "Turn these rows into a CSV with a header line:\n{rows}",
]
_JSONS = [
    '{"user": {"id": 7, "name": "Ana"}, "items": [{"sku": "A1", "qty": 2}, {"sku": "B4", "qty": 1}]}',
    '[{"city": "Oslo", "temps": [3, 5, 4]}, {"city": "Rome", "temps": [14, 16, 15]}]',
    '{"team": "blue", "members": [{"n": "Ravi", "role": "dev"}, {"n": "Mo", "role": "qa"}]}',
]
_ROWS = [
    "Ana - Lisbon - 34\nBen - Leeds - 29\nChen - Taipei - 41",
    "pen 1.20 x3\nnotebook 2.50 x2\nstapler 6.00 x1",
    "Mon 7.5h\nTue 8h\nWed 6.25h\nThu 9h",
]

# Writing: business documents, summaries and rewrites of a pasted passage.
_BIZ_DOCS = [
    "a one-page memo announcing a new expense policy",
    "a job posting for a part-time barista",
    "an agenda for a quarterly planning meeting",
    "a customer apology for a two-day service outage",
    "a project status update for stakeholders",
    "an FAQ for our new loyalty programme",
    "talking points for a town hall on the office move",
    "a cold outreach email to a potential partner",
    "the executive summary of a market-entry report",
    "a performance review for a dependable junior designer",
    "a welcome message for new hires",
    "release notes for version 2.3 of our app",
    "a thank-you note to a conference speaker",
    "terms for a simple freelance writing contract",
    "a short case study about a client who cut delivery times",
    "an out-of-office reply",
]
_BIZ_FRAMES = [
    "Write {doc}.",
    "Draft {doc}, friendly but professional.",
    "Could you put together {doc}?",
    "I need {doc} by this afternoon. Can you write it?",
    "Prepare {doc} in plain English.",
]
_PASSAGES = [
    "The council met on Tuesday to discuss the new cycle lanes. Residents on Mill Road complained "
    "about lost parking, while shop owners were split. The council will publish a revised plan in May.",
    "Our quarterly sales rose by eight percent, mostly thanks to the new subscription tier. Costs grew "
    "faster than expected because of shipping, so profit stayed flat.",
    "Lena had never seen snow. When the first flakes fell on the harbour, she ran outside without a "
    "coat and stood there laughing until her father carried her back in.",
    "The study followed 300 commuters for a year. Those who cycled reported better sleep and fewer "
    "sick days, though the authors caution that cyclists may have been healthier to begin with.",
    "Starting next month the library will open on Sundays from noon to five. Returns can be left in "
    "the new drop box by the side entrance at any time.",
    "We tried three onboarding flows. The shortest one had the most sign-ups but the lowest retention; "
    "the guided tour kept users longest.",
]
_PASSAGE_FRAMES = [
    "Summarise this in two sentences:\n\n{passage}",
    "Give me three bullet points that capture this:\n{passage}",
    "TL;DR this for me: {passage}",
    "Rewrite this for a ten-year-old:\n{passage}",
    "Make this sound more upbeat: {passage}",
    "Turn this into a short LinkedIn post:\n{passage}",
    "Continue this story for another paragraph:\n{passage}",
    "Write a headline and a one-line teaser for this: {passage}",
    "Shorten this to under 30 words: {passage}",
    "Rewrite the following in the passive voice where it sounds natural:\n{passage}",
]
_WRITING_EXTRA_OTHER = [
    "帮我写一份{doc_zh}。",
    "Напиши {doc_ru}.",
    "Escribe {doc_es}.",
    "Schreib {doc_de}.",
    "Rédige {doc_fr}.",
    "{doc_ja}を書いてください。",
]
_WRITING_EXTRA_ML = [
    {
        "doc_zh": "新员工欢迎信",
        "doc_ru": "приветственное письмо для новых сотрудников",
        "doc_es": "un mensaje de bienvenida para nuevos empleados",
        "doc_de": "eine Willkommensnachricht für neue Mitarbeitende",
        "doc_fr": "un message de bienvenue pour les nouveaux employés",
        "doc_ja": "新入社員への歓迎メッセージ",
    },
    {
        "doc_zh": "项目进度汇报",
        "doc_ru": "отчёт о ходе проекта для руководства",
        "doc_es": "un informe de avance del proyecto",
        "doc_de": "einen Projektstatusbericht",
        "doc_fr": "un point d'avancement du projet",
        "doc_ja": "プロジェクトの進捗報告",
    },
    {
        "doc_zh": "产品发布新闻稿",
        "doc_ru": "пресс-релиз о запуске продукта",
        "doc_es": "un comunicado de prensa sobre un lanzamiento",
        "doc_de": "eine Pressemitteilung zur Produkteinführung",
        "doc_fr": "un communiqué de presse pour un lancement",
        "doc_ja": "新製品のプレスリリース",
    },
    {
        "doc_zh": "会议纪要",
        "doc_ru": "протокол совещания",
        "doc_es": "el acta de una reunión",
        "doc_de": "ein Besprechungsprotokoll",
        "doc_fr": "le compte rendu d'une réunion",
        "doc_ja": "会議の議事録",
    },
]

# General chat: conceptual science questions (no calculation), opinions, conversation.
_CONCEPT_Q = [
    "Why does ice float on water?",
    "What actually is electric current?",
    "Why do astronauts feel weightless in orbit if gravity still acts on them?",
    "What makes some chemical reactions release heat?",
    "How do we know how old the universe is?",
    "Why is the speed of light the same for everyone?",
    "What is entropy, in plain words?",
    "Why does salt melt ice on roads?",
    "How do noise-cancelling earbuds know what to cancel?",
    "Why are some metals magnetic and others not?",
    "What is a catalyst and why does it matter in industry?",
    "Why do we have leap years?",
    "How do tides work?",
    "What happens inside a star when it runs out of fuel?",
    "Why does a spoon look bent in a glass of water?",
    "What is the difference between mass and weight?",
    "Why is mathematics so useful for describing nature?",
    "Who invented the zero, and why was it such a big deal?",
    "Is mathematics discovered or invented?",
    "Why do so many people find statistics confusing?",
]
_OPINION_FRAMES = [
    "What do you think makes {x} so popular?",
    "Do you think {x} will still matter in twenty years?",
    "What's your honest opinion of {x}?",
    "Why do people love or hate {x}?",
    "If you could change one thing about {x}, what would it be?",
    "Let's talk about {x}. Where should I start?",
    "I've been reading about {x} lately. What are the most interesting debates around it?",
]
_OPINION_X = [
    "remote work",
    "reality TV",
    "minimalism",
    "social media",
    "superhero films",
    "self-driving cars",
    "tiny houses",
    "online dating",
    "video games as art",
    "the four-day week",
    "electric scooters",
    "modern architecture",
    "jazz",
    "space tourism",
    "vinyl records",
    "smart watches",
]
_CONVERSATION = [
    "I finally finished my first marathon today!",
    "Can I vent for a minute? My week has been rough.",
    "What would you do with a free afternoon in a new city?",
    "I'm trying to decide what to cook tonight. Ideas?",
    "Guess what, I got the job!",
    "Do you ever wonder what the world will look like in a hundred years?",
    "My cat keeps knocking things off the table. Why does she do that?",
    "I can't decide whether to learn guitar or piano. Thoughts?",
    "Let's play twenty questions. I'm thinking of an animal.",
    "Tell me about your favourite book.",
    "What's something that always cheers you up?",
    "I'm feeling a bit lonely since I moved. Any advice?",
    "Is it weird that I like rainy days more than sunny ones?",
    "Recommend me a podcast for a long drive.",
    "What's the most interesting thing you know about octopuses?",
    "How do I say no to friends without feeling guilty?",
]
_CHAT_EXTRA_OTHER = [
    "为什么冰会浮在水面上？",
    "你觉得远程办公好吗？",
    "今天心情不太好，能陪我聊聊吗？",
    "周末去哪里玩比较好？",
    "Почему лёд не тонет в воде?",
    "Как ты думаешь, удалённая работа — это надолго?",
    "Посоветуй хороший фильм на вечер.",
    "¿Por qué tenemos años bisiestos?",
    "¿Qué opinas de las redes sociales?",
    "Hoy estoy aburrido, ¿de qué podemos hablar?",
    "Warum haben wir Schaltjahre?",
    "Was hältst du von E-Scootern in der Stadt?",
    "Pourquoi la glace flotte-t-elle sur l'eau ?",
    "Tu préfères la montagne ou la mer ?",
    "なぜ氷は水に浮くのですか？",
    "最近おもしろい本を読みましたか？",
    "요즘 스트레스가 많은데 어떻게 풀면 좋을까요?",
    "Perché esistono gli anni bisestili?",
    "Por que o gelo flutua na água?",
    "Tại sao băng lại nổi trên mặt nước?",
]


def _more_kinds() -> list[tuple[str, str]]:
    rng = random.Random(SEED + 2)
    rows: list[tuple[str, str]] = []
    for frame in _SCIENCE_CALC:
        for _ in range(4):
            rows.append((frame.format(**_science_values(rng)), "math"))
    for frames in _SCIENCE_CALC_OTHER.values():
        for frame in frames:
            for _ in range(3):
                rows.append((frame.format(**_science_values(rng)), "math"))
    for frame in _CONTEST:
        for _ in range(3):
            rows.append((frame.format(**_contest_values(rng)), "math"))
    for frames in _CONTEST_OTHER.values():
        for frame in frames:
            for _ in range(2):
                rows.append((frame.format(**_contest_values(rng)), "math"))
    for frame in _FERMI_FRAMES:
        for thing in rng.sample(_FERMI_THINGS, 6):
            rows.append((frame.format(thing=thing), "math"))
    for frame, values in product(_FERMI_OTHER, _FERMI_ML):
        rows.append((frame.format(**values), "math"))
    for frame in _RARE_FRAMES:
        for _ in range(12):
            tech, tech2 = rng.sample(_RARE_TECH, 2)
            rows.append((frame.format(app=rng.choice(_SMALL_APPS), tech=tech, tech2=tech2), "coding"))
    for frame in _ALGO_FRAMES:
        for _ in range(8):
            rows.append(
                (frame.format(algo=rng.choice(_ALGOS), lang=rng.choice(_PLANG + _RARE_TECH[23:31])), "coding")
            )
    for frame, values in product(_CODING_EXTRA_OTHER, _CODING_EXTRA_ML):
        rows.append((frame.format(tech=rng.choice(_RARE_TECH), lang=rng.choice(_PLANG), **values), "coding"))
    for frame in _DATA_FRAMES:
        for _ in range(5):
            file, cols = rng.choice(_DATASETS)
            row = frame.format(file=file, cols=cols, json=rng.choice(_JSONS), rows=rng.choice(_ROWS))
            rows.append((row, "data"))
    for frame in _BIZ_FRAMES:
        for doc in rng.sample(_BIZ_DOCS, 8):
            rows.append((frame.format(doc=doc), "writing"))
    for frame in _PASSAGE_FRAMES:
        for passage in rng.sample(_PASSAGES, 3):
            rows.append((frame.format(passage=passage), "writing"))
    for frame, values in product(_WRITING_EXTRA_OTHER, _WRITING_EXTRA_ML):
        rows.append((frame.format(**values), "writing"))
    rows += [(text, "general_chat") for text in _CONCEPT_Q + _CONVERSATION + _CHAT_EXTRA_OTHER]
    for frame in _OPINION_FRAMES:
        for x in rng.sample(_OPINION_X, 5):
            rows.append((frame.format(x=x), "general_chat"))
    return list(dict.fromkeys(rows))


def intent_examples() -> list[tuple[str, str]]:
    rng = random.Random(SEED)
    rows = [(text, "math") for text in _maths(rng)] + [(text, "coding") for text in _coding(rng)]
    return list(dict.fromkeys(rows + _everyday() + _more_kinds()))
