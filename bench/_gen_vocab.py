"""Vocabularies of the synthetic data generator (bench/generate.py): names in several scripts,
texts of sessions, goals, steps and referrals, the directory of regular services of a county,
municipality names, volunteers. All persons, addresses and histories are invented; the kinds of
services and bodies are those a county in Baden-Württemberg has."""

from __future__ import annotations

# --- Persons: (weight, nationality, languages, interpreter language, male, female, family,
#     residence statuses with weights) -----------------------------------------------------------
GROUPS = [
    (
        22,
        "SY",
        ["ar"],
        "ar",
        ["محمد", "أحمد", "خالد", "عمر", "يوسف", "حسن", "Mohammad", "Ahmad", "Khaled"],
        ["فاطمة", "مريم", "نور", "آية", "رنا", "Fatima", "Noor", "Hiba"],
        ["الحسن", "العلي", "حداد", "الخطيب", "Al-Hassan", "Hamdan", "Al Sheikh", "Kurdi"],
        [("erlaubnis_25", 55), ("gestattung", 20), ("niederlassung", 20), ("erlaubnis_other", 5)],
    ),
    (
        20,
        "UA",
        ["uk"],
        "uk",
        ["Олександр", "Дмитро", "Андрій", "Сергій", "Юрій", "Євген", "Oleksandr"],
        ["Наталія", "Олена", "Ірина", "Юлія", "Анастасія", "Оксана", "Марія", "Yuliia"],
        ["Шевченко", "Коваленко", "Бондаренко", "Лисенко", "Ткаченко", "Мельник", "Кравчук"],
        [("erlaubnis_24", 92), ("erlaubnis_other", 5), ("unknown", 3)],
    ),
    (
        12,
        "AF",
        ["prs", "ps"],
        "prs",
        ["احمد", "محمود", "نجیب", "فرید", "حمید", "Mirwais", "Zabihullah"],
        ["زهرا", "مریم", "شبنم", "فرشته", "Zarghona", "Madina"],
        ["احمدی", "حیدری", "رحیمی", "کریمی", "Sultani", "Popalzai", "Nazari"],
        [("erlaubnis_25", 50), ("gestattung", 25), ("duldung", 15), ("erlaubnis_other", 10)],
    ),
    (
        10,
        "TR",
        ["tr", "kmr"],
        "tr",
        ["Mehmet", "Ömer", "Barış", "İbrahim", "Serdar", "Çağlar"],
        ["Ayşe", "Gülşen", "Şirin", "Özlem", "Elif", "Hatice"],
        ["Yılmaz", "Öztürk", "Şahin", "Çelik", "Doğan", "Kılıç", "Aydın"],
        [("gestattung", 60), ("duldung", 20), ("erlaubnis_25", 20)],
    ),
    (
        9,
        "IQ",
        ["ar", "ckb"],
        "ar",
        ["علي", "حسين", "Karwan", "Dilshad", "Ahmed"],
        ["زينب", "Shilan", "Rozhin", "سارة"],
        ["الجبوري", "Barzani", "Hamadamin", "Qadir", "التميمي"],
        [("erlaubnis_25", 45), ("gestattung", 30), ("duldung", 15), ("niederlassung", 10)],
    ),
    (
        7,
        "ER",
        ["ti"],
        "ti",
        ["ተስፋይ", "ዮናስ", "ሳምኤል", "Tesfay", "Yonas", "Filmon"],
        ["ሳባ", "ሉዋም", "ሄለን", "Saba", "Luwam", "Selam"],
        ["ገብረሂወት", "ተኽለ", "Habte", "Tesfamariam", "Ghebreyesus"],
        [("erlaubnis_25", 75), ("niederlassung", 15), ("gestattung", 10)],
    ),
    (
        6,
        "RU",
        ["ru"],
        "ru",
        ["Алексей", "Михаил", "Иван", "Руслан"],
        ["Ольга", "Татьяна", "Светлана", "Екатерина"],
        ["Иванов", "Смирнова", "Кузнецов", "Попова", "Волков"],
        [("gestattung", 50), ("erlaubnis_other", 30), ("duldung", 20)],
    ),
    (
        5,
        "GE",
        ["ka", "ru"],
        "ka",
        ["გიორგი", "დავით", "Levan", "Irakli"],
        ["ნინო", "თამარ", "Mariam", "Ketevan"],
        ["ბერიძე", "Kapanadze", "Gelashvili", "მამედოვი"],
        [("gestattung", 55), ("duldung", 40), ("erlaubnis_other", 5)],
    ),
    (
        5,
        "XK",
        ["sq", "sr"],
        "sq",
        ["Arbër", "Dardan", "Miloš", "Dušan"],
        ["Drita", "Jelena", "Mirjeta", "Ljiljana"],
        ["Krasniqi", "Gashi", "Petrović", "Jovanović", "Berisha", "Đorđević"],
        [("duldung", 40), ("erlaubnis_other", 40), ("gestattung", 20)],
    ),
    (
        4,
        "SO",
        ["so"],
        "so",
        ["Abdirahman", "Mohamed", "Cabdi", "Xasan"],
        ["Hodan", "Ayaan", "Sahra", "Faadumo"],
        ["Warsame", "Cali", "Farah", "Jaamac"],
        [("erlaubnis_25", 50), ("gestattung", 35), ("duldung", 15)],
    ),
    (
        4,
        "NG",
        ["en", "ha"],
        "en",
        ["Chinedu", "Oluwaseun", "Ibrahim", "Emeka"],
        ["Ngozi", "Adaeze", "Aisha", "Folake"],
        ["Okafor", "Adeyemi", "Bello", "Nwosu", "Oyelaran-Adébáyọ̀"],
        [("duldung", 50), ("gestattung", 40), ("erlaubnis_other", 10)],
    ),
]
GERMAN_FIRST = ["Anna", "Jonas", "Lea", "Lukas", "Sophie", "Felix", "Marie", "Jan", "Katrin"]
GERMAN_LAST = ["Müller", "Schmid", "Weber", "Wagner", "Becker", "Hofmann", "Schäfer", "Koch"]
ACCOMMODATION = ["provisional", "follow_up", "follow_up", "private", "private", "unknown"]
CLOSE_REASONS = ["self_reliant", "moved_away", "no_contact", "client_wish", "handed_over", "other"]
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenstraße",
    "Kirchstraße",
    "Lindenstraße",
    "Wilhelmstraße",
    "Friedrichstraße",
    "Ringstraße",
    "Mühlweg",
    "Am Sonnenhang",
    "Talstraße",
]

# --- The tenant tree ---------------------------------------------------------------------------
PROVIDERS = [
    "Caritasverband",
    "Diakonisches Werk",
    "DRK-Kreisverband",
    "AWO-Kreisverband",
    "Internationaler Bund",
    "Paritätischer Wohlfahrtsverband",
]
TEAM_NAMES = ["Nord", "Süd", "Ost", "West", "Mitte", "Stadt", "Land", "Tal", "Alb", "See"]

# --- Municipalities (synthetic names for Landkreise, the real ones for the demo county) -------
TOWN_STEMS = [
    "Ober",
    "Unter",
    "Nieder",
    "Groß",
    "Klein",
    "Alt",
    "Neu",
    "Hoh",
    "Weil",
    "Mühl",
    "Eich",
    "Buch",
    "Lind",
    "Birk",
    "Ross",
    "Stein",
    "Wald",
    "Berg",
    "Erl",
    "Sulz",
    "Dettin",
    "Rott",
    "Holz",
    "Bön",
    "Ess",
    "Wend",
    "Herren",
    "Kirch",
    "Markt",
    "Frauen",
]
TOWN_ENDINGS = [
    "ingen",
    "heim",
    "hausen",
    "dorf",
    "bach",
    "stetten",
    "weiler",
    "hofen",
    "au",
    "feld",
    "berg",
    "tal",
    "bronn",
    "statt",
]
TOWN_SUFFIXES = [
    "",
    "",
    "",
    "",
    "",
    " am Neckar",
    " an der Fils",
    " im Tal",
    " (Württ.)",
    " ob Ulm",
]
SIGMARINGEN = [  # the 25 Gemeinden of Landkreis Sigmaringen (08437) with rough weights
    ("Sigmaringen", 16),
    ("Bad Saulgau", 14),
    ("Pfullendorf", 10),
    ("Mengen", 8),
    ("Meßkirch", 6),
    ("Gammertingen", 5),
    ("Sigmaringendorf", 4),
    ("Krauchenwies", 4),
    ("Stetten am kalten Markt", 4),
    ("Herbertingen", 4),
    ("Ostrach", 4),
    ("Inzigkofen", 3),
    ("Hohentengen", 3),
    ("Veringenstadt", 2),
    ("Bingen", 2),
    ("Scheer", 2),
    ("Wald", 2),
    ("Herdwangen-Schönach", 2),
    ("Hettingen", 1),
    ("Neufra", 1),
    ("Schwenningen", 1),
    ("Beuron", 1),
    ("Leibertingen", 1),
    ("Sauldorf", 1),
    ("Illmensee", 1),
]
# Baden-Württemberg has 1,101 Gemeinden; 9 of them are the Stadtkreise.
BW_MUNICIPALITIES_IN_LANDKREISEN = 1_092

# --- Counselling -------------------------------------------------------------------------------
SUMMARIES = [
    "Termin bei der Ausländerbehörde vorbereitet.",
    "Antrag auf Kindergeld besprochen und ausgefüllt.",
    "Wohnungssuche: Angebote durchgesehen, Besichtigung vereinbart.",
    "Anmeldung zum Integrationskurs besprochen.",
    "Schreiben des Jobcenters erklärt.",
    "Kita-Platz: Anmeldung bei der Gemeinde unterstützt.",
    "Anerkennung des Berufsabschlusses: Unterlagen gesichtet.",
    "Arzttermin und Dolmetscher organisiert.",
    "Schulanmeldung der Kinder vorbereitet.",
    "Bewerbungsunterlagen überarbeitet.",
    "",
]
FIELDS = [
    "language",
    "work",
    "housing",
    "education",
    "childcare",
    "health",
    "residence",
    "finance",
    "participation",
]
CHANNELS = ["in_person"] * 6 + ["phone"] * 2 + ["email", "video", "outreach"]

# --- Integration plans ------------------------------------------------------------------------
# Fields of the goals (weights): mostly work, language and housing, as in the demo data.
GOAL_FIELDS = [
    ("work", 25),
    ("language", 25),
    ("housing", 17),
    ("education", 7),
    ("health", 7),
    ("residence", 6),
    ("childcare", 5),
    ("finance", 5),
    ("participation", 3),
]
GOAL_TEXTS = {
    "work": [
        "Anerkennung des Berufsabschlusses beantragen",
        "Ausbildungsplatz im Handwerk finden",
        "Arbeitsstelle in der Pflege aufnehmen",
        "Minijob neben dem Sprachkurs finden",
        "Praktikum in einem örtlichen Betrieb absolvieren",
    ],
    "language": [
        "Integrationskurs bis B1 abschließen",
        "Berufssprachkurs B2 besuchen",
        "Alphabetisierungskurs beginnen",
    ],
    "housing": [
        "Eigene Wohnung finden und aus der Anschlussunterbringung ausziehen",
        "Wohnberechtigungsschein beantragen",
    ],
    "education": ["Schulanmeldung der Kinder", "Schulabschluss an der Abendrealschule nachholen"],
    "health": ["Hausärztin finden", "Termin in der Trauma-Sprechstunde wahrnehmen"],
    "residence": [
        "Aufenthaltserlaubnis rechtzeitig verlängern",
        "Pass bei der Botschaft beschaffen",
    ],
    "childcare": ["Kita-Platz für die jüngste Tochter finden", "Betreuung während des Kurses"],
    "finance": ["Bürgergeld-Weiterbewilligung selbstständig beantragen", "Girokonto eröffnen"],
    "participation": ["Mitglied im Sportverein werden", "Führerschein umschreiben lassen"],
}
STEP_TEXTS = {
    "work": ["Lebenslauf erstellen", "Zeugnisse übersetzen lassen", "Termin beim Jobcenter"],
    "language": ["Berechtigungsschein beim BAMF beantragen", "Kursplatz an der VHS anfragen"],
    "housing": ["Wohnungsangebote sichten", "Mieterselbstauskunft ausfüllen"],
    "education": ["Anmeldeunterlagen der Schule besorgen", "Zeugnisanerkennung beantragen"],
    "health": ["Krankenversichertenkarte abholen", "Termin in der Praxis vereinbaren"],
    "residence": ["Termin bei der Ausländerbehörde buchen", "Unterlagen zusammenstellen"],
    "childcare": ["Kita-Anmeldung bei der Gemeinde", "Antrag auf Gebührenübernahme"],
    "finance": ["Kontoauszüge sortieren", "Antrag gemeinsam ausfüllen"],
    "participation": ["Probetraining vereinbaren", "Fahrschule anfragen"],
}
STEP_OWNERS = ["client"] * 9 + ["manager"] * 6 + ["service"] * 5

# --- Referrals ---------------------------------------------------------------------------------
REFERRAL_FREE_TEXT = {  # services named in free text (not in the directory)
    "work": ["Zeitarbeitsfirma (Vorstellungsgespräch)", "Handwerkskammer – Ausbildungsberatung"],
    "language": ["Sprachcafé der Kirchengemeinde"],
    "housing": ["Kleiderkammer und Möbellager", "Wohnungsbaugesellschaft"],
    "education": ["Hausaufgabenhilfe des Jugendhauses"],
    "health": ["Hebamme (Frühe Hilfen)", "Zahnarztpraxis"],
    "residence": ["Rechtsanwältin für Migrationsrecht"],
    "childcare": ["Tagesmutter (Kindertagespflege)"],
    "finance": ["Tafel", "Sozialkaufhaus"],
    "participation": ["Sportverein", "Bücherei"],
}
REFERRAL_OUTCOMES = {
    "successful": [
        "Termin wahrgenommen, Antrag gestellt.",
        "Person nutzt das Angebot inzwischen selbstständig.",
        "Platz erhalten, Teilnahme läuft.",
    ],
    "not_successful": ["Kein freier Platz, Warteliste.", "Angebot passte nicht zum Bedarf."],
    "cancelled": [
        "Termin abgesagt, neue Verweisung geplant.",
        "Person wollte das Angebot nicht mehr nutzen.",
    ],
}

# --- The county's directory: (provider, service, kind, fields of action, languages) ----------
# "{K}" is the county's short name, "{T}" its main town.
DIRECTORY = [
    ("Jobcenter {K}", "Jobcenter {K} – Arbeitsvermittlung", "regular", ["work", "finance"], []),
    ("Jobcenter {K}", "Jobcenter {K} – Leistungsabteilung", "regular", ["finance"], []),
    (
        "Agentur für Arbeit {K}",
        "Berufsberatung der Agentur für Arbeit",
        "regular",
        ["work"],
        ["en"],
    ),
    ("Landratsamt {K}", "Ausländerbehörde", "regular", ["residence"], ["en"]),
    ("Landratsamt {K}", "Wohngeldstelle", "regular", ["housing", "finance"], []),
    ("Landratsamt {K}", "Gesundheitsamt", "regular", ["health"], ["en"]),
    ("Landratsamt {K}", "Kontaktstelle Wohnen", "counselling", ["housing"], ["en", "ar"]),
    ("Familienkasse Baden-Württemberg", "Familienkasse – Kindergeld", "regular", ["finance"], []),
    ("Volkshochschule {T}", "VHS {T} – Integrationskurse", "language_course", ["language"], []),
    ("Volkshochschule {T}", "VHS {T} – Berufssprachkurse", "language_course", ["language"], []),
    (
        "Caritasverband {K}",
        "Migrationsberatung für Erwachsene (MBE)",
        "counselling",
        ["residence", "finance", "language"],
        ["ar", "fa", "en"],
    ),
    (
        "Caritasverband {K}",
        "Trauma-Sprechstunde",
        "consultation_hours",
        ["health"],
        ["ar", "uk", "fa"],
    ),
    (
        "Diakonisches Werk {K}",
        "Schuldner- und Insolvenzberatung",
        "counselling",
        ["finance"],
        ["en"],
    ),
    (
        "Internationaler Bund {K}",
        "Jugendmigrationsdienst",
        "counselling",
        ["education", "work"],
        ["en", "ar"],
    ),
    ("IQ Netzwerk Baden-Württemberg", "IQ Anerkennungsberatung", "counselling", ["work"], ["en"]),
    ("Staatliches Schulamt {K}", "Schulanmeldung und VKL-Klassen", "regular", ["education"], []),
    ("Stadt {T}", "Kita-Anmeldung", "regular", ["childcare"], []),
    ("Stadt {T}", "Bürgerbüro", "regular", ["residence", "participation"], []),
    ("DRK-Kreisverband {K}", "Kleiderladen und Sozialberatung", "group", ["participation"], []),
    ("Sportkreis {K}", "Sport für alle – Integration durch Sport", "group", ["participation"], []),
    ("Familienbildungsstätte {T}", "Eltern-Kind-Gruppen", "group", ["childcare"], ["ar", "uk"]),
    (
        "Psychosoziales Zentrum {K}",
        "Psychosoziale Beratung für Geflüchtete",
        "counselling",
        ["health"],
        ["ar", "fa", "ti"],
    ),
    (
        "Handwerkskammer",
        "Passgenaue Besetzung – Ausbildung im Handwerk",
        "counselling",
        ["work"],
        [],
    ),
    (
        "Beratungsstelle Frühe Hilfen",
        "Frühe Hilfen – Familienhebamme",
        "counselling",
        ["health", "childcare"],
        ["en"],
    ),
]
# State-wide entries of the directory (no Kreis): visible in every county of the Land.
STATE_DIRECTORY = [
    (
        "Regierungspräsidium Stuttgart",
        "Zeugnisanerkennung (Schulabschlüsse)",
        "regular",
        ["education"],
        [],
    ),
    (
        "Landesverband der Tafeln",
        "Tafelläden – Lebensmittel für wenig Geld",
        "other",
        ["finance"],
        [],
    ),
    (
        "Refugio Baden-Württemberg",
        "Landesweite Trauma-Beratung (Video)",
        "counselling",
        ["health"],
        ["ar", "fa", "uk", "ti"],
    ),
]
OPENING_HOURS = [
    "Mo–Fr 8:30–12:00, Do 14:00–17:30",
    "Mo, Di, Do 9:00–12:00 und nach Vereinbarung",
    "Di 14:00–16:00 offene Sprechstunde",
    "nach Vereinbarung",
]

# --- Volunteers --------------------------------------------------------------------------------
VOLUNTEER_NAMES = [  # (given, family, languages)
    ("Gisela", "Hummel", ["de", "fr"]),
    ("Rainer", "Vogt", ["de"]),
    ("Leyla", "Yıldız", ["tr", "de", "kmr"]),
    ("Olena", "Kovalenko", ["uk", "ru", "de"]),
    ("Thomas", "Brenner", ["de", "en"]),
    ("Fatima", "Noori", ["fa", "prs", "de"]),
    ("Ursula", "Keck", ["de"]),
    ("Dawit", "Tesfaye", ["ti", "am", "en", "de"]),
    ("Monika", "Straub", ["de", "it"]),
    ("Ahmad", "Rahimi", ["ps", "fa", "de"]),
    ("Karin", "Wetzel", ["de", "en"]),
    ("Peter", "Heinzelmann", ["de"]),
    ("Hiba", "Saleh", ["ar", "de"]),
    ("Jürgen", "Mayer", ["de", "ru"]),
    ("Sabine", "Frick", ["de", "es"]),
    ("Samir", "Khalil", ["ar", "de", "en"]),
    ("Brigitte", "Ott", ["de"]),
    ("Mariam", "Haddad", ["ar", "de"]),
    ("Wolfgang", "Bauer", ["de", "en"]),
    ("Nataliia", "Bondarenko", ["uk", "de"]),
]
VOLUNTEER_SKILLS = [
    "Begleitung zu Behörden",
    "Lernhilfe, Deutsch üben",
    "Wohnungssuche, Anträge",
    "Arztbesuche, Kita",
    "Schule, Hausaufgaben",
    "Bewerbungen, Praktika",
    "Sprachcafé, Ausflüge",
    "Dolmetschen",
    "Post und Formulare",
    "Fahrrad-Werkstatt",
]
AVAILABILITY = ["werktags nachmittags", "dienstags und donnerstags", "abends und am Wochenende"]
QUALIFICATIONS = [  # (title, hours, provider)
    ("Basisqualifizierung Integrationslotsen", "12.0", "Volkshochschule"),
    ("Interkulturelle Kompetenz", "4.0", "Volkshochschule"),
    ("Asyl- und Aufenthaltsrecht für Ehrenamtliche", "3.0", "Caritasverband"),
    ("Trauma verstehen – Grenzen erkennen", "6.0", "Psychosoziales Zentrum"),
    ("Datenschutz im Ehrenamt", "2.0", "Landratsamt"),
]
TANDEM_NOTES = [
    "Möchte Deutsch im Alltag üben, gern bei einem Spaziergang.",
    "Sucht eine Wohnung in der Nähe der Schule der Kinder.",
    "Braucht Unterstützung bei Terminen und Post von Behörden.",
    "",
]
TANDEM_END_REASONS = ["goal_reached", "goal_reached", "client_wish", "volunteer_wish", "other"]
ACTIVITY_NOTES = [
    "Treffen im Café, Post durchgesehen",
    "Begleitung zum Termin",
    "Deutsch geübt",
    "",
]
