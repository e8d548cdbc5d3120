"""Language decisions made by hand, for records where lid.176 on the extracted text cannot be
trusted to give the MANIFEST's ``lang``: the copied CC records (every one must be listed) and a
few trafilatura test pages.  ``verify`` fails if an entry names a URL not in the sample.
"""

# Languages of the real CC responses, read by hand on the extracted text (url -> FineWeb2
# code); pages not listed get lang null (too little text, or mixed).
REAL_CC_LANGS = {
    "http://003338.cn/l41/481397.html": "cmn_Hani",
    "http://01spb.ru/company/": "rus_Cyrl",                      # windows-1251
    "http://035.psb556.com/24/i/u_1090813/article.html": "cmn_Hani",
    "http://037426.cn/": "eng_Latn",                              # English text, gb2312 page
    "http://041696.com/15477/list_6_4.html": "cmn_Hani",
    "http://044545.com/topic/20200207/015849.html": "cmn_Hani",
    "http://0513mt.com/index.php/art/detail/id/8884.html": "cmn_Hani",
    "http://05925.net/index.php/vod/type/id/53.html": "cmn_Hani",
    "http://06.live-radsport.ch/fahrerstatistik_801/Anthony_Ravard.html": "deu_Latn",
    "http://06.live-radsport.ch/tippspiel/stats_140_petzi.html": "deu_Latn",
    "http://0615235.com/02mjqjo%7Bibotij2.btq?odmbtt=106&tdmbtt=121": "cmn_Hani",
    "http://0755krk.com/76104/list_4_1.html": "cmn_Hani",
    "http://0760.jxtdw.com/area/sanxiang/": "cmn_Hani",           # gb2312
    "http://077678u.info/erxiaoshujinguang/list_6_2.html": "cmn_Hani",  # GBK bytes, no charset declared
    "http://096355.com/video/11073.html?11073-0-2": "cmn_Hani",   # GBK bytes, no charset declared
    "http://0900-hovenier.nl/gelderland/oosterbeek/": "nld_Latn",
    "https://an.wikipedia.org/wiki/Escopete": "arg_Latn",         # Aragonese; CC's own LID said spa
    ("http://www.houstonpress.com/music/"
     "a-humble-chance-the-rapper-leads-a-spiritual-awakening-at-revention-8866723"): "eng_Latn",
}
# real trafilatura test pages whose language we set by reading them, where lid.176 on the
# extracted text does not give it (None: mixed language)
REAL_PAGE_LANGS = {
    "https://ukbdnews.com/2020/08/23646/": "ben_Beng",            # Bengali; the index's lid said `an`
    # Papiamento
    "https://24ora.com/minister-president-presente-ne-trashion-fashion-show-di-international-school/": "pap_Latn",
    "https://www.eluniversal.com/internacional/125703/senador-republicano-califica-a-biden-de-incapacitado": "spa_Latn",
    # English article quoting Japanese tweets
    "https://blog.gaijinpot.com/tweet-of-the-week-67-dealing-with-chikan/": None,
}

