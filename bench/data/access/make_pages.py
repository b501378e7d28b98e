"""Write the "not an article" pages of the access-state set (``pages/*.html`` and ``labels.tsv``).

Each page is modelled on a public template, named in ``labels.tsv``'s ``source`` column: the markup ids,
script hosts and wording that the consent managers (OneTrust, Didomi, Quantcast Choice, Usercentrics,
Sourcepoint, Cookiebot), paywall vendors and news sites' subscription stubs, and the bot checks
(Cloudflare, Akamai, DataDome, PerimeterX, Imperva, AWS CloudFront) put on the pages they serve, as their
public documentation and any page they guard show them. The wording is paraphrased where it is long; the
sites, headlines and teasers are invented. Each template is written in several site frames (a news site's
header, navigation, teaser lists and footer, in several languages) so that a rule cannot learn the frame.
The negatives (real articles) are not here: ``bench/eval_access.py`` reads them in place from the shared
corpus (AEB and trafilatura's evaluation set).

Run ``python bench/data/access/make_pages.py`` to regenerate; the output is deterministic.
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

FRAMES = [  # (lang, site, nav items, teaser headlines, footer)
    ("en", "The Daily Ledger", ["World", "Politics", "Business", "Sport", "Culture"],
     ["Council approves new budget after long debate", "Storm closes coastal roads for a second day",
      "Local team reaches the final", "Prices of fresh food rise again"], "© The Daily Ledger. All rights reserved. Privacy | Terms"),
    ("de", "Rheinischer Anzeiger", ["Politik", "Wirtschaft", "Sport", "Kultur", "Region"],
     ["Stadtrat beschließt neuen Haushalt", "Sturm sperrt Küstenstraßen", "Heimverein erreicht das Finale",
      "Lebensmittelpreise steigen erneut"], "© Rheinischer Anzeiger. Impressum | Datenschutz"),
    ("fr", "Le Courrier du Matin", ["International", "Politique", "Économie", "Sport", "Culture"],
     ["Le conseil adopte le budget", "La tempête ferme les routes côtières", "L'équipe locale en finale",
      "Les prix alimentaires augmentent"], "© Le Courrier du Matin. Mentions légales | Confidentialité"),
    ("it", "Gazzetta del Nord", ["Cronaca", "Politica", "Economia", "Sport"],
     ["Il consiglio approva il bilancio", "Tempesta chiude le strade costiere", "La squadra locale in finale"],
     "© Gazzetta del Nord. Privacy | Note legali"),
    ("es", "Diario del Sur", ["Internacional", "Política", "Economía", "Deportes"],
     ["El consejo aprueba el presupuesto", "La tormenta cierra carreteras", "El equipo local llega a la final"],
     "© Diario del Sur. Aviso legal | Privacidad"),
    ("pl", "Kurier Poranny", ["Kraj", "Świat", "Gospodarka", "Sport"],
     ["Rada przyjęła budżet", "Burza zamyka drogi nad morzem", "Lokalna drużyna w finale"],
     "© Kurier Poranny. Polityka prywatności"),
]

TEASER = {
    "en": ["The city council voted late on Tuesday to approve a budget that had divided its members for months.",
           "Officials said the decision would allow work on the new bridge to start in the spring."],
    "de": ["Der Stadtrat hat am Dienstagabend einen Haushalt beschlossen, über den monatelang gestritten wurde.",
           "Die Verwaltung kündigte an, dass die Arbeiten an der neuen Brücke im Frühjahr beginnen können."],
    "fr": ["Le conseil municipal a adopté mardi soir un budget qui divisait ses membres depuis des mois.",
           "Selon la mairie, les travaux du nouveau pont pourront commencer au printemps."],
    "it": ["Il consiglio comunale ha approvato martedì sera un bilancio che divideva i suoi membri da mesi.",
           "Secondo il comune, i lavori del nuovo ponte potranno iniziare in primavera."],
    "es": ["El consejo municipal aprobó el martes por la noche un presupuesto que dividía a sus miembros desde hacía meses.",
           "Según el ayuntamiento, las obras del nuevo puente podrán comenzar en primavera."],
    "pl": ["Rada miasta we wtorek wieczorem przyjęła budżet, który od miesięcy dzielił radnych.",
           "Według urzędu prace przy nowym moście mogą rozpocząć się wiosną."],
}


def frame(lang: str, site: str, nav: list[str], teasers: list[str], footer: str, title: str, main: str,
          head: str = "", tail: str = "") -> str:
    navs = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in nav)
    aside = "".join(f'<li><a href="/story/{i}">{t}</a></li>' for i, t in enumerate(teasers))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
            f'<body><header><a class="logo" href="/">{site}</a><nav><ul>{navs}</ul></nav></header>'
            f'<main>{main}</main><aside><h3>Most read</h3><ul>{aside}</ul></aside>'
            f'<footer><p>{footer}</p></footer>{tail}</body></html>')


CONSENT = {
    "onetrust": ("OneTrust banner (ids onetrust-consent-sdk / onetrust-banner-sdk, script cdn.cookielaw.org/otSDKStub.js)",
                 '<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js" data-domain-script="0f1c"></script>',
                 '<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk" class="otFlat" role="dialog"><div id="onetrust-policy">'
                 '<h2 id="onetrust-policy-title">We value your privacy</h2><div id="onetrust-policy-text">We and our partners store and/or access '
                 'information on a device, such as cookies, and process personal data, such as unique identifiers and standard information '
                 'sent by a device for personalised ads and content, ad and content measurement, and audience insights, as well as to develop '
                 'and improve products. With your permission we and our partners may use precise geolocation data.</div></div>'
                 '<button id="onetrust-pc-btn-handler">Manage Preferences</button><button id="onetrust-reject-all-handler">Reject All</button>'
                 '<button id="onetrust-accept-btn-handler">Accept All Cookies</button></div></div>'),
    "didomi": ("Didomi notice (ids didomi-host / didomi-notice, script sdk.privacy-center.org)",
               '<script src="https://sdk.privacy-center.org/loader.js" async></script>',
               '<div id="didomi-host"><div id="didomi-notice" class="didomi-popup-notice"><div class="didomi-popup-notice-text">'
               '<p>Nous et nos partenaires utilisons des cookies et technologies similaires pour stocker et accéder à des informations sur votre '
               'appareil, afin de personnaliser les contenus et les publicités, mesurer leur performance et développer nos services.</p>'
               '<p>Vous pouvez accepter, refuser ou paramétrer vos choix à tout moment.</p></div>'
               '<button id="didomi-notice-agree-button">Accepter &amp; Fermer</button><button class="didomi-learn-more">Paramétrer</button></div></div>'),
    "quantcast": ("Quantcast Choice (classes qc-cmp2-*, script cmp.quantcast.com/choice)",
                  '<script async src="https://cmp.quantcast.com/choice/abc123/www.example.com/choice.js"></script>',
                  '<div id="qc-cmp2-container"><div class="qc-cmp2-summary-section"><h2>We value your privacy</h2>'
                  '<p class="qc-cmp2-summary-info">We and our partners store and/or access information on a device, such as cookies and process '
                  'personal data, such as unique identifiers and standard information sent by a device for personalised ads and content, ad and '
                  'content measurement, and audience insights. You may click to consent to our and our partners processing as described above. '
                  'Some processing may not require your consent, but you have a right to object to such processing on the basis of legitimate interest.</p>'
                  '<button mode="secondary">MORE OPTIONS</button><button mode="primary">AGREE</button></div></div>'),
    "usercentrics": ("Usercentrics CMP (div usercentrics-root, script app.usercentrics.eu/browser-ui/latest/loader.js)",
                     '<script id="usercentrics-cmp" src="https://app.usercentrics.eu/browser-ui/latest/loader.js" data-settings-id="xyz" async></script>',
                     '<div id="usercentrics-root"><div class="uc-banner"><h2>Datenschutz-Einstellungen</h2><p>Wir verwenden Cookies und ähnliche '
                     'Technologien, um Inhalte und Anzeigen zu personalisieren, Funktionen für soziale Medien anzubieten und die Zugriffe auf '
                     'unsere Website zu analysieren. Mit „Alle akzeptieren“ stimmen Sie der Verwendung zu.</p><button>Einstellungen</button>'
                     '<button>Alle akzeptieren</button></div></div>'),
    "sourcepoint": ("Sourcepoint message (sp_message_container / sp_message_iframe, cdn.privacy-mgmt.com)",
                    '<script src="https://cdn.privacy-mgmt.com/unified/wrapperMessagingWithoutDetection.js"></script>',
                    '<div id="sp_message_container_812" class="sp-message-open"><iframe id="sp_message_iframe_812" '
                    'src="https://cdn.privacy-mgmt.com/index.html?message_id=812" title="SP Consent Message"></iframe></div>'),
    "cookiebot": ("Cookiebot dialog (CybotCookiebotDialog, script consent.cookiebot.com/uc.js)",
                  '<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" data-cbid="1234" type="text/javascript"></script>',
                  '<div id="CybotCookiebotDialog"><h2>This website uses cookies</h2><p>We use cookies to personalise content and ads, to provide '
                  'social media features and to analyse our traffic. We also share information about your use of our site with our social media, '
                  'advertising and analytics partners.</p><button>Allow all</button><button>Deny</button></div>'),
    "yahoo_guce": ("Yahoo's consent page (consent.yahoo.com, served in place of the article in the EU)",
                   '', '<div class="con-wizard"><h2>Yahoo is part of the Yahoo family of brands</h2><p>We and our partners use cookies and similar '
                   'technologies to provide our sites and apps to you, authenticate users, apply security measures, and prevent spam and abuse. '
                   'If you click Accept all, we and our partners will also store and/or access information on a device and use precise '
                   'geolocation data.</p><p>Select Manage privacy settings for more information and to manage your choices.</p>'
                   '<form action="https://consent.yahoo.com/v2/collectConsent"><button name="agree">Accept all</button>'
                   '<button name="reject">Reject all</button></form></div>'),
    "google_consent": ("Google's consent interstitial (consent.google.com 'Before you continue')",
                       '', '<div><h1>Before you continue to Google</h1><p>We use cookies and data to deliver and maintain Google services, '
                       'track outages and protect against spam, fraud, and abuse, measure audience engagement and site statistics.</p>'
                       '<p>If you choose to Accept all, we will also use cookies and data to develop and improve new services and show '
                       'personalized ads.</p><form action="https://consent.google.com/save"><button>Reject all</button><button>Accept all</button></form></div>'),
}

PAYWALL = {
    "en": ["Subscribe to continue reading", "Already a subscriber? Log in", "This article is for subscribers only."],
    "de": ["Dieser Artikel ist nur für Abonnenten verfügbar.", "Jetzt weiterlesen mit SZ Plus", "Sie sind bereits Abonnent? Anmelden"],
    "fr": ["Cet article est réservé aux abonnés.", "La suite est réservée aux abonnés. Déjà abonné ? Se connecter"],
    "it": ["Questo articolo è riservato agli abbonati.", "Abbonati per continuare a leggere"],
    "es": ["Este contenido es exclusivo para suscriptores.", "Hazte suscriptor para seguir leyendo"],
    "pl": ["Artykuł dostępny tylko dla subskrybentów.", "Zaloguj się lub wykup dostęp"],
}
PAYWALL_KINDS = {
    "piano": ("paywall stub with a Piano offer (tp-container-inner) and schema.org isAccessibleForFree=false, as Google's "
              "paywalled-content structured data documents it", True),
    "teaser": ("subscription stub: headline, lead and a 'subscribe to continue' box (news sites' metered paywalls)", False),
}

BLOCKED = {
    "cf_js": ("Cloudflare managed challenge 'Just a moment...' (window._cf_chl_opt, /cdn-cgi/challenge-platform/h/)",
              "Just a moment...",
              '<div class="main-wrapper"><h1 class="zone-name-title h1">www.example.com</h1><h2 class="h2" id="challenge-running">'
              'Verifying you are human. This may take a few seconds.</h2><noscript><div class="h2">Enable JavaScript and cookies to continue</div>'
              '</noscript><div id="challenge-body-text">www.example.com needs to review the security of your connection before proceeding.</div></div>'
              '<div class="footer"><div>Ray ID: <code>8a1b2c3d4e5f6071</code></div><div>Performance &amp; security by Cloudflare</div></div>'
              '<script>(function(){window._cf_chl_opt={cvId: \'3\',cZone: "www.example.com",cType: \'managed\'};'
              'var a=document.createElement(\'script\');a.src=\'/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8a1b\';'
              'document.getElementsByTagName(\'head\')[0].appendChild(a);}());</script>'),
    "cf_block": ("Cloudflare block page 'Attention Required! | Cloudflare' (error 1020, 'Sorry, you have been blocked')",
                 "Attention Required! | Cloudflare",
                 '<div id="cf-wrapper"><div id="cf-error-details"><h1>Sorry, you have been blocked</h1><h2>You are unable to access example.com</h2>'
                 '<h2>Why have I been blocked?</h2><p>This website is using a security service to protect itself from online attacks. The action '
                 'you just performed triggered the security solution.</p><p>Cloudflare Ray ID: <strong>8a1b2c3d4e5f6071</strong></p></div></div>'),
    "akamai": ("Akamai denial 'Access Denied ... Reference #18.…' (errors.edgesuite.net)",
               "Access Denied",
               '<h1>Access Denied</h1>You don\'t have permission to access "http://www.example.com/news/article" on this server.<p>'
               'Reference #18.7d3e1502.1700000000.1a2b3c4d</p><p>https://errors.edgesuite.net/18.7d3e1502.1700000000.1a2b3c4d</p>'),
    "datadome": ("DataDome captcha page (script ct.captcha-delivery.com/c.js, geo.captcha-delivery.com iframe)",
                 "example.com",
                 '<p id="cmsg">Please enable JS and disable any ad blocker</p><script>var dd={\'rt\':\'c\',\'cid\':\'AHrl\',\'hsh\':\'2211F\','
                 '\'t\':\'fe\',\'s\':17434,\'host\':\'geo.captcha-delivery.com\'}</script><script src="https://ct.captcha-delivery.com/c.js"></script>'),
    "perimeterx": ("PerimeterX (HUMAN) block page 'Access to this page has been denied', px-captcha 'Press & Hold'",
                   "Access to this page has been denied",
                   '<div class="px-captcha-container"><h1>Access to this page has been denied</h1><p>Press &amp; Hold to confirm you are a human '
                   '(and not a bot).</p><div id="px-captcha"></div><p>Reference ID 0f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7</p></div>'
                   '<script src="/AbCdEf/captcha/captcha.js?a=c&m=0"></script>'),
    "imperva": ("Imperva (Incapsula) 'Request unsuccessful. Incapsula incident ID' page",
                "",
                '<iframe id="main-iframe" src="/_Incapsula_Resource?CWUDNSAI=9&xinfo=0-0-0&incident_id=0-123" frameborder=0 width="100%" '
                'height="100%"></iframe><p>Request unsuccessful. Incapsula incident ID: 1234000560123456789-12345678901234567</p>'),
    "cloudfront": ("AWS CloudFront/WAF '403 ERROR The request could not be satisfied'",
                   "ERROR: The request could not be satisfied",
                   '<h1>403 ERROR</h1><h2>The request could not be satisfied.</h2><hr noshade size="1px">Request blocked. We can\'t connect to the '
                   'server for this app or website at this time.<br clear="all"><hr noshade size="1px"><pre>Generated by cloudfront (CloudFront)\n'
                   'Request ID: Ab3dEf_GhIjKlMnOp==</pre>'),
    "pardon": ("Distil/Imperva bot-check 'Pardon Our Interruption'",
               "Pardon Our Interruption",
               '<h1>Pardon Our Interruption...</h1><p>As you were browsing something about your browser made us think you were a bot. '
               'There are a few reasons this might happen: you are a power user moving through this website with super-human speed, '
               'you have disabled cookies in your web browser, a third-party browser plugin is preventing JavaScript from running.</p>'
               '<p>To regain access, please make sure that cookies and JavaScript are enabled before reloading the page.</p>'),
}

ERROR = {
    "en": ("Page not found | {site}", "Page not found", "Sorry, the page you were looking for does not exist or has been moved. "
           "Try the search or go back to the home page."),
    "de": ("Seite nicht gefunden – {site}", "Seite nicht gefunden", "Die von Ihnen gesuchte Seite existiert leider nicht mehr. "
           "Nutzen Sie unsere Suche oder kehren Sie zur Startseite zurück."),
    "fr": ("Page introuvable - {site}", "Oups ! Cette page n'existe pas", "La page que vous cherchez a peut-être été supprimée. "
           "Retournez à la page d'accueil."),
    "it": ("Pagina non trovata - {site}", "Pagina non trovata", "La pagina che cerchi non esiste più. Torna alla home page."),
    "es": ("Página no encontrada | {site}", "Error 404", "La página que buscas no existe. Vuelve a la portada."),
    "pl": ("Strona nie została znaleziona - {site}", "Nie znaleziono strony", "Strona, której szukasz, nie istnieje. Wróć na stronę główną."),
}


def write() -> None:
    rng = random.Random(22)
    out = HERE / "pages"
    out.mkdir(exist_ok=True)
    for old in out.glob("*.html"):
        old.unlink()
    rows = []

    def emit(name: str, label: str, source: str, html: str) -> None:
        (out / f"{name}.html").write_text(html, encoding="utf-8")
        rows.append((f"{name}.html", label, source))

    for vendor, (source, head, banner) in CONSENT.items():
        for fi, (lang, site, nav, teasers, footer) in enumerate(FRAMES):
            if rng.random() < 0.35 and vendor not in ("yahoo_guce", "google_consent"):
                continue
            headline = teasers[0]
            if vendor in ("yahoo_guce", "google_consent"):  # the whole page is the consent page
                html = f'<!DOCTYPE html><html lang="{lang}"><head><title>{site}</title></head><body>{banner}</body></html>'
                emit(f"consent_{vendor}_{lang}", "consent", source, html)
                if fi >= 1:
                    break
                continue
            # a consent wall: the article is not in the page until consent is given (only its headline)
            main = f'<article><h1>{headline}</h1><div class="article-body" data-consent-required="true"></div></article>'
            emit(f"consent_{vendor}_{lang}", "consent", source,
                 frame(lang, site, nav, teasers, footer, f"{headline} | {site}", main, head, banner))
    for kind, (source, marked) in PAYWALL_KINDS.items():
        for lang, site, nav, teasers, footer in FRAMES:
            headline = teasers[rng.randrange(len(teasers))]
            lead = TEASER[lang][: 1 + rng.randrange(2)]
            calls = PAYWALL[lang]
            head = ('<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"'
                    + headline + '","isAccessibleForFree":"False","hasPart":{"@type":"WebPageElement","isAccessibleForFree":"False",'
                    '"cssSelector":".paywall"}}</script>') if marked else ""
            box = (f'<div class="paywall"><div class="tp-container-inner"><h3>{calls[0]}</h3>'
                   + "".join(f"<p>{c}</p>" for c in calls[1:]) + '<a class="btn" href="/abo">→</a></div></div>')
            main = (f'<article><h1>{headline}</h1><p class="lead"><strong>{lead[0]}</strong></p>'
                    + "".join(f"<p>{p}</p>" for p in lead[1:]) + box + "</article>")
            emit(f"paywall_{kind}_{lang}", "paywall", source,
                 frame(lang, site, nav, teasers, footer, f"{headline} | {site}", main, head))
    for kind, (source, title, body) in BLOCKED.items():
        emit(f"blocked_{kind}", "blocked", source,
             f'<!DOCTYPE html><html lang="en-US"><head><title>{title}</title><meta name="robots" content="noindex,nofollow">'
             f'</head><body>{body}</body></html>')
        # the same challenge inside an iframe-less minimal wrapper with a different language title
        if kind in ("cf_js", "akamai", "datadome"):
            emit(f"blocked_{kind}_2", "blocked", source,
                 f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><div class="wrap">{body}</div></body></html>')
    for lang, site, nav, teasers, footer in FRAMES:
        title, heading, text = ERROR[lang]
        main = f'<div class="error-page"><h1>{heading}</h1><p>{text}</p></div>'
        emit(f"empty_soft404_{lang}", "empty",
             "soft 404: a news site's 'page not found' page served with status 200, with its navigation and most-read list",
             frame(lang, site, nav, teasers, footer, title.format(site=site), main))
    for i, (lang, site, *_rest) in enumerate(FRAMES[:3]):
        emit(f"empty_shell_{lang}", "empty",
             "script-built page shell: an empty root element and 'enable JavaScript' (create-react-app's template)",
             f'<!DOCTYPE html><html lang="{lang}"><head><title>{site}</title><script defer src="/static/js/main.{i}a9f.js"></script>'
             f'</head><body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>')
    with open(HERE / "labels.tsv", "w", encoding="utf-8") as fh:
        fh.write("file\tlabel\tsource\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")
    print(f"wrote {len(rows)} pages to {out}")


if __name__ == "__main__":
    write()
