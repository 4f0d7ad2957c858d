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
_TOPICS = ["business revenue", "population growth", "optimising a box's volume", "marginal cost"]


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
    "num4 = pow(a + b, 2) / 2\nprint(sqrt(num4))",
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


def intent_examples() -> list[tuple[str, str]]:
    rng = random.Random(SEED)
    return [(text, "math") for text in _maths(rng)] + [(text, "coding") for text in _coding(rng)]
