"""The ``junk`` pages: low-quality pages, each made to trip one FineWeb2 filter.

Every page's ``expected_reason`` is the first reason datatrove's filter chain should give for
its language; ``verify`` checks it on the extracted text, so a page that stops tripping its
filter fails the build instead of silently testing nothing.
"""

from __future__ import annotations

import random
from pathlib import Path

from .config import FW2, SEED
from .pages import article_html
from .record import Rec
from .sources import word_pairs


def junk_pages(shared: Path, pools: dict) -> list[Rec]:
    """Low-quality pages; expected_reason is checked against the filters in verify()."""
    recs = []

    def lines_page(iso, title, lines, url, reason, note):
        """One junk page: ``lines`` as the article's paragraphs, in the shop site's template."""
        html = article_html(iso, title, lines, "sample-shop", "A")
        recs.append(Rec(kind="junk", url=url, body=html, lang=FW2[iso], expected_reason=reason,
                        source="lid_dev_lingua/%s (lingua-rs, Leipzig corpora), arranged as junk" % iso,
                        extra={"junk": note}))

    de, ru, fr, zh, es = pools["de"], pools["ru"], pools["fr"], pools["zh"], pools["es"]
    # (a) German, many repeated short lines -> dup_line_frac
    real = [de.take(40) for _ in range(6)]
    spam = "Jetzt bestellen und sparen!"
    lines = []
    for s in real:
        lines += [s, spam, "Versandkostenfrei ab 20 Euro."]
    lines_page("de", "Angebote der Woche", lines, "https://www.schnaeppchen-markt-beispiel.de/angebote/woche-21.html",
               "dup_line_frac", "six real sentences, each followed by the same two spam lines")
    # (b) Russian 2-gram spam -> top_2_gram
    cities = ["Москве", "Санкт-Петербурге", "Новосибирске", "Екатеринбурге", "Казани", "Нижнем Новгороде",
              "Челябинске", "Самаре", "Омске", "Ростове-на-Дону", "Уфе", "Красноярске", "Воронеже", "Перми",
              "Волгограде", "Краснодаре", "Саратове", "Тюмени", "Тольятти", "Ижевске"]
    first = ru.take(60)
    par1 = " ".join(f"Купить квартиру в {c} недорого." for c in cities[:10])
    par2 = " ".join(f"Купить квартиру в {c} без посредников." for c in cities[10:])
    lines_page("ru", "Купить квартиру недорого", [first, par1, par2],
               "https://kvartiry-deshevo-primer.ru/kupit-kvartiru/", "top_2_gram",
               "one real sentence, then 'Купить квартиру в <city> ...' for 20 cities")
    # (c) French, a few real sentences < 50 words -> gopher_short_doc
    s1 = fr.take(60)
    s2 = fr.take(60)
    lines_page("fr", "Brève", [s1 + " " + s2], "https://www.breves-exemple.fr/breve/2024/05/courte.html",
               "gopher_short_doc", "two real sentences only (< 50 words)")
    # (d) German keyword stuffing, no stopwords -> gopher_enough_stop_words
    kw = ["Ferienwohnung Ostsee günstig buchen.", "Hotel Berlin Mitte preiswert übernachten.",
          "Zahnarzt München Notdienst Wochenende.", "Autoversicherung Vergleich online sofort.",
          "Kredit ohne Schufa schnell beantragen.", "Handyvertrag Angebot Datenvolumen unbegrenzt.",
          "Fahrrad kaufen Damenrad Herrenrad Kinderrad.", "Laptop gebraucht billig kaufen.",
          "Umzugsfirma Hamburg Festpreis anfragen.", "Gartenmöbel Set Rattan wetterfest.",
          "Steuerberater Köln Erstberatung kostenlos.", "Sprachkurs Spanisch Anfänger abends.",
          "Immobilien Leipzig Eigentumswohnung provisionsfrei.", "Mietwagen Flughafen Frankfurt günstig.",
          "Pizza bestellen Lieferservice Nacht.", "Heizung Wartung Angebot Winter.",
          "Fitnessstudio Probetraining gratis sichern.", "Kaffeevollautomat Testsieger reduziert.",
          "Winterreifen Komplettradsatz Montage inklusive.", "Brautkleid Boutique Anprobe Termin."]
    lines_page("de", "Günstig buchen kaufen sparen", [" ".join(kw[:7]), " ".join(kw[7:14]), " ".join(kw[14:])],
               "https://www.suchbegriffe-beispiel.de/keywords/seite-1.html", "gopher_enough_stop_words",
               "German keyword stuffing without any of deu_Latn's stopwords")
    # (e) German list of word pairs, no punctuation -> list_ratio (line_punct is off for deu_Latn)
    lines_page("de", "Stichwortverzeichnis", word_pairs(shared, "de", 40),
               "https://www.stichworte-beispiel.de/verzeichnis/a-z.html",
               "list_ratio", "40 real German word pairs, one per line, no punctuation")
    # (f) French list of word pairs, no punctuation -> line_punct_ratio
    lines_page("fr", "Index des mots clés", word_pairs(shared, "fr", 40),
               "https://www.mots-cles-exemple.fr/index/a-z.html", "line_punct_ratio",
               "40 real French word pairs, one per line, no punctuation")
    # (g) Chinese, repeated lines -> dup_line_frac
    real = [zh.take(25) for _ in range(5)]
    lines = []
    for s in real:
        lines += [s, "点击进入官方网站免费注册。", "最新优惠活动火热进行中！"]
    lines_page("zh", "最新优惠活动", lines, "http://www.youhui-shili.cn/huodong/index.html", "dup_line_frac",
               "five real sentences, each followed by the same two spam lines")
    # (h) Spanish price list, mostly numbers -> gopher_below_alpha_threshold
    rnd = random.Random(SEED)
    s = es.take(60)
    rows = []
    for k in range(6):
        nums = " ".join(f"{rnd.randint(1, 99)},{rnd.randint(10, 99)}" for _ in range(14))
        rows.append(f"Precios {nums}.")
    lines_page("es", "Lista de precios", [s] + rows, "https://www.precios-ejemplo.es/lista/2024.html",
               "gopher_below_alpha_threshold", "one real sentence, then lines of prices (numbers)")
    return recs
