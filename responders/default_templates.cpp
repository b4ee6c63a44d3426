// The default reply templates, written for odziv in English and Bosnian/Croatian/Serbian (ijekavian bs/hr,
// ekavian sr; Cyrillic is produced from the sr text). Format: docs/replies.md. Brands override any part in
// their settings ("templates"), in the same format.
#include "responders/template_drafter.h"

namespace odziv::responders {

const char* DefaultTemplatesJson() {
  return R"json({
"private": {"en": "a direct message", "bs": "privatne poruke", "hr": "privatne poruke", "sr": "privatne poruke"},
"privacy": {
  "en": "For your privacy, please don't post order numbers or contact details here: send them via {{private}} instead.",
  "bs": "Radi Vaše privatnosti, molimo Vas da brojeve narudžbi i kontakt podatke ne objavljujete ovdje, nego ih pošaljite putem {{private}}.",
  "hr": "Radi Vaše privatnosti, molimo Vas da brojeve narudžbi i kontaktne podatke ne objavljujete ovdje, nego ih pošaljete putem {{private}}.",
  "sr": "Radi Vaše privatnosti, molimo Vas da brojeve porudžbina i kontakt podatke ne objavljujete ovde, već ih pošaljite putem {{private}}."
},
"issues": {
  "delivery": {"en": "the delay", "bs": "kašnjenja", "hr": "kašnjenja", "sr": "kašnjenja"},
  "billing": {"en": "the charge", "bs": "naplate", "hr": "naplate", "sr": "naplate"},
  "quality": {"en": "the quality", "bs": "kvaliteta", "hr": "kvalitete", "sr": "kvaliteta"},
  "staff": {"en": "the service you received", "bs": "usluge", "hr": "usluge", "sr": "usluge"},
  "account": {"en": "the trouble with your account", "bs": "problema s nalogom", "hr": "problema s računom", "sr": "problema sa nalogom"},
  "price": {"en": "the price", "bs": "cijene", "hr": "cijene", "sr": "cene"},
  "outage": {"en": "the outage", "bs": "prekida", "hr": "prekida", "sr": "prekida"},
  "other": {"en": "this", "bs": "ovoga", "hr": "ovoga", "sr": "ovoga"}
},
"situations": {
  "safety": {
    "en": ["{{#name}}{{name}}, {{/name}}we're very sorry: this is serious and we take it seriously. Please tell us where and when you bought it via {{private}} so our quality team can look into it today. If you feel unwell, please see a doctor.",
           "{{#name}}{{name}}, {{/name}}thank you for telling us, and we're so sorry you went through this. Our food safety lead wants to look into it right away; could you send us the details via {{private}}? Please take care of yourself first.",
           "We're sorry{{#name}}, {{name}}{{/name}}. Your health comes first: if you still feel unwell, please see a doctor. We've flagged this to our quality team; please share where and when via {{private}} so we can investigate."],
    "bs": ["{{#name}}{{name}}, {{/name}}iskreno nam je žao: ovo je ozbiljno i tako to i shvatamo. Molimo Vas da nam putem {{private}} javite gdje i kada ste kupili proizvod, kako bi naš tim za kvalitet to provjerio još danas. Ako se ne osjećate dobro, javite se ljekaru.",
           "{{#name}}{{name}}, {{/name}}hvala što ste nam javili i žao nam je zbog onoga kroz šta ste prošli. Osoba zadužena za sigurnost hrane želi to odmah provjeriti; možete li nam poslati detalje putem {{private}}? Prvo se pobrinite za sebe.",
           "Žao nam je{{#name}}, {{name}}{{/name}}. Vaše zdravlje je na prvom mjestu: ako se i dalje ne osjećate dobro, javite se ljekaru. Slučaj smo proslijedili timu za kvalitet; molimo Vas da putem {{private}} podijelite gdje i kada, kako bismo to istražili."],
    "hr": ["{{#name}}{{name}}, {{/name}}iskreno nam je žao: ovo je ozbiljno i tako to i shvaćamo. Molimo Vas da nam putem {{private}} javite gdje i kada ste kupili proizvod, kako bi naš tim za kvalitetu to provjerio još danas. Ako se ne osjećate dobro, javite se liječniku.",
           "{{#name}}{{name}}, {{/name}}hvala što ste nam javili i žao nam je zbog onoga što ste prošli. Osoba zadužena za sigurnost hrane želi to odmah provjeriti; možete li nam poslati detalje putem {{private}}? Prvo se pobrinite za sebe.",
           "Žao nam je{{#name}}, {{name}}{{/name}}. Vaše zdravlje je na prvom mjestu: ako se i dalje ne osjećate dobro, javite se liječniku. Slučaj smo proslijedili timu za kvalitetu; molimo Vas da putem {{private}} podijelite gdje i kada, kako bismo to istražili."],
    "sr": ["{{#name}}{{name}}, {{/name}}iskreno nam je žao: ovo je ozbiljno i tako to i shvatamo. Molimo Vas da nam putem {{private}} javite gde i kada ste kupili proizvod, kako bi naš tim za kvalitet to proverio još danas. Ako se ne osećate dobro, javite se lekaru.",
           "{{#name}}{{name}}, {{/name}}hvala što ste nam javili i žao nam je zbog onoga kroz šta ste prošli. Osoba zadužena za bezbednost hrane želi odmah da to proveri; možete li da nam pošaljete detalje putem {{private}}? Prvo se pobrinite za sebe.",
           "Žao nam je{{#name}}, {{name}}{{/name}}. Vaše zdravlje je na prvom mestu: ako se i dalje ne osećate dobro, javite se lekaru. Slučaj smo prosledili timu za kvalitet; molimo Vas da putem {{private}} podelite gde i kada, kako bismo to istražili."]
  },
  "legal": {
    "en": ["{{#name}}{{name}}, {{/name}}we're sorry things got to this point. We'd like to understand what happened and put it right: please write to us via {{private}} and a manager will get back to you personally.",
           "We hear you{{#name}}, {{name}}{{/name}}, and we want to resolve this properly. Please send us the details via {{private}}; a member of our management team will contact you directly."],
    "bs": ["{{#name}}{{name}}, {{/name}}žao nam je što je došlo do ovoga. Željeli bismo razumjeti šta se desilo i ispraviti to: molimo Vas da nam pišete putem {{private}}, a menadžer će Vam se lično javiti.",
           "Razumijemo Vas{{#name}}, {{name}}{{/name}}, i želimo ovo riješiti kako treba. Pošaljite nam detalje putem {{private}}; neko iz uprave će Vas direktno kontaktirati."],
    "hr": ["{{#name}}{{name}}, {{/name}}žao nam je što je došlo do ovoga. Željeli bismo razumjeti što se dogodilo i to ispraviti: molimo Vas da nam pišete putem {{private}}, a voditelj će Vam se osobno javiti.",
           "Razumijemo Vas{{#name}}, {{name}}{{/name}}, i želimo ovo riješiti kako treba. Pošaljite nam detalje putem {{private}}; netko iz uprave izravno će Vas kontaktirati."],
    "sr": ["{{#name}}{{name}}, {{/name}}žao nam je što je došlo do ovoga. Želeli bismo da razumemo šta se desilo i da to ispravimo: molimo Vas da nam pišete putem {{private}}, a menadžer će Vam se lično javiti.",
           "Razumemo Vas{{#name}}, {{name}}{{/name}}, i želimo da ovo rešimo kako treba. Pošaljite nam detalje putem {{private}}; neko iz uprave će Vas direktno kontaktirati."]
  },
  "churn": {
    "en": ["{{#name}}{{name}}, {{/name}}we'd be sorry to lose you, and we understand the frustration. Give us a chance to make this right: send us the details via {{private}} and we'll sort it out today.",
           "That's not the experience we want you to have{{#name}}, {{name}}{{/name}}. Before you go, let us fix it: please reach us via {{private}} and we'll take it from there."],
    "bs": ["{{#name}}{{name}}, {{/name}}bilo bi nam žao da Vas izgubimo i razumijemo Vaše nezadovoljstvo. Dajte nam priliku da to ispravimo: pošaljite nam detalje putem {{private}} i riješit ćemo to još danas.",
           "Ovo nije iskustvo kakvo želimo da imate{{#name}}, {{name}}{{/name}}. Prije nego što odustanete, dozvolite nam da to popravimo: javite nam se putem {{private}} i preuzimamo dalje."],
    "hr": ["{{#name}}{{name}}, {{/name}}bilo bi nam žao da Vas izgubimo i razumijemo Vaše nezadovoljstvo. Dajte nam priliku da to ispravimo: pošaljite nam detalje putem {{private}} i riješit ćemo to još danas.",
           "Ovo nije iskustvo kakvo želimo da imate{{#name}}, {{name}}{{/name}}. Prije nego što odustanete, dopustite nam da to popravimo: javite nam se putem {{private}} i preuzimamo dalje."],
    "sr": ["{{#name}}{{name}}, {{/name}}bilo bi nam žao da Vas izgubimo i razumemo Vaše nezadovoljstvo. Dajte nam priliku da to ispravimo: pošaljite nam detalje putem {{private}} i rešićemo to još danas.",
           "Ovo nije iskustvo kakvo želimo da imate{{#name}}, {{name}}{{/name}}. Pre nego što odustanete, dozvolite nam da to popravimo: javite nam se putem {{private}} i preuzimamo dalje."]
  },
  "complaint": {
    "en": ["{{#name}}{{name}}, {{/name}}we're sorry about {{issue}}: that's not good enough. Please send us the details via {{private}} and we'll look into it right away.",
           "Sorry to hear this{{#name}}, {{name}}{{/name}}. We want to fix {{issue}} for you: reach us via {{private}} and we'll follow up today.",
           "Thank you for flagging this{{#name}}, {{name}}{{/name}}, and apologies for {{issue}}. Could you share the details via {{private}}? We'll make it right."],
    "bs": ["{{#name}}{{name}}, {{/name}}žao nam je zbog {{issue}}: to nije u redu. Molimo Vas da nam pošaljete detalje putem {{private}} i odmah ćemo to provjeriti.",
           "Žao nam je što to čujemo{{#name}}, {{name}}{{/name}}. Želimo riješiti problem {{issue}}: javite nam se putem {{private}} i javit ćemo Vam se još danas.",
           "Hvala što ste nam skrenuli pažnju{{#name}}, {{name}}{{/name}}, i izvinite zbog {{issue}}. Možete li nam poslati detalje putem {{private}}? Ispravit ćemo to."],
    "hr": ["{{#name}}{{name}}, {{/name}}žao nam je zbog {{issue}}: to nije u redu. Molimo Vas da nam pošaljete detalje putem {{private}} i odmah ćemo to provjeriti.",
           "Žao nam je što to čujemo{{#name}}, {{name}}{{/name}}. Želimo riješiti problem {{issue}}: javite nam se putem {{private}} i javit ćemo Vam se još danas.",
           "Hvala što ste nam skrenuli pozornost{{#name}}, {{name}}{{/name}}, i ispričavamo se zbog {{issue}}. Možete li nam poslati detalje putem {{private}}? Ispravit ćemo to."],
    "sr": ["{{#name}}{{name}}, {{/name}}žao nam je zbog {{issue}}: to nije u redu. Molimo Vas da nam pošaljete detalje putem {{private}} i odmah ćemo to proveriti.",
           "Žao nam je što to čujemo{{#name}}, {{name}}{{/name}}. Želimo da rešimo problem {{issue}}: javite nam se putem {{private}} i javićemo Vam se još danas.",
           "Hvala što ste nam skrenuli pažnju{{#name}}, {{name}}{{/name}}, i izvinite zbog {{issue}}. Možete li da nam pošaljete detalje putem {{private}}? Ispravićemo to."]
  },
  "question": {
    "en": ["Hi{{#name}} {{name}}{{/name}}, thanks for asking! We'll get you an answer shortly; if it's about an order, send us the details via {{private}}.",
           "Good question{{#name}}, {{name}}{{/name}}! Let us check and get back to you, or reach us via {{private}} for a quicker answer."],
    "bs": ["Zdravo{{#name}} {{name}}{{/name}}, hvala na pitanju! Uskoro ćemo Vam odgovoriti; ako se tiče narudžbe, pošaljite nam detalje putem {{private}}.",
           "Dobro pitanje{{#name}}, {{name}}{{/name}}! Provjerit ćemo i javiti Vam se, ili nam pišite putem {{private}} za brži odgovor."],
    "hr": ["Pozdrav{{#name}} {{name}}{{/name}}, hvala na pitanju! Uskoro ćemo Vam odgovoriti; ako se tiče narudžbe, pošaljite nam detalje putem {{private}}.",
           "Dobro pitanje{{#name}}, {{name}}{{/name}}! Provjerit ćemo i javiti Vam se, ili nam pišite putem {{private}} za brži odgovor."],
    "sr": ["Zdravo{{#name}} {{name}}{{/name}}, hvala na pitanju! Uskoro ćemo Vam odgovoriti; ako se tiče porudžbine, pošaljite nam detalje putem {{private}}.",
           "Dobro pitanje{{#name}}, {{name}}{{/name}}! Proverićemo i javiti Vam se, ili nam pišite putem {{private}} za brži odgovor."]
  },
  "mixed": {
    "en": ["Thanks for the honest review{{#name}}, {{name}}{{/name}}. We're glad parts of it worked for you, and we'd like to hear what would have made it better: tell us via {{private}}.",
           "Thank you for the feedback{{#name}}, {{name}}{{/name}}! We're always working to improve; if you share more via {{private}}, we'll pass it straight to the team."],
    "bs": ["Hvala na iskrenoj recenziji{{#name}}, {{name}}{{/name}}. Drago nam je da Vam je dio iskustva bio dobar, a voljeli bismo čuti šta bi ga učinilo boljim: javite nam putem {{private}}.",
           "Hvala na povratnoj informaciji{{#name}}, {{name}}{{/name}}! Stalno radimo na tome da budemo bolji; ako nam kažete više putem {{private}}, prenijet ćemo to timu."],
    "hr": ["Hvala na iskrenoj recenziji{{#name}}, {{name}}{{/name}}. Drago nam je da Vam je dio iskustva bio dobar, a voljeli bismo čuti što bi ga učinilo boljim: javite nam putem {{private}}.",
           "Hvala na povratnoj informaciji{{#name}}, {{name}}{{/name}}! Stalno radimo na tome da budemo bolji; ako nam kažete više putem {{private}}, prenijet ćemo to timu."],
    "sr": ["Hvala na iskrenoj recenziji{{#name}}, {{name}}{{/name}}. Drago nam je da Vam je deo iskustva bio dobar, a voleli bismo da čujemo šta bi ga učinilo boljim: javite nam putem {{private}}.",
           "Hvala na povratnoj informaciji{{#name}}, {{name}}{{/name}}! Stalno radimo na tome da budemo bolji; ako nam kažete više putem {{private}}, prenećemo to timu."]
  },
  "praise": {
    "en": ["Thank you so much{{#name}}, {{name}}{{/name}}! We're glad you enjoyed it; see you again soon.",
           "This made our day{{#name}}, {{name}}{{/name}}. Thank you! We'll pass your kind words on to the team.",
           "Thanks for the lovely words{{#name}}, {{name}}{{/name}}! Come back soon."],
    "bs": ["Hvala Vam puno{{#name}}, {{name}}{{/name}}! Drago nam je da ste uživali; vidimo se uskoro!",
           "Uljepšali ste nam dan{{#name}}, {{name}}{{/name}}. Hvala! Vaše lijepe riječi prenijet ćemo cijelom timu.",
           "Hvala na lijepim riječima{{#name}}, {{name}}{{/name}}! Dođite nam opet."],
    "hr": ["Hvala Vam puno{{#name}}, {{name}}{{/name}}! Drago nam je da ste uživali; vidimo se uskoro!",
           "Uljepšali ste nam dan{{#name}}, {{name}}{{/name}}. Hvala! Vaše lijepe riječi prenijet ćemo cijelom timu.",
           "Hvala na lijepim riječima{{#name}}, {{name}}{{/name}}! Dođite nam opet."],
    "sr": ["Hvala Vam puno{{#name}}, {{name}}{{/name}}! Drago nam je da ste uživali; vidimo se uskoro!",
           "Ulepšali ste nam dan{{#name}}, {{name}}{{/name}}. Hvala! Vaše lepe reči prenećemo celom timu.",
           "Hvala na lepim rečima{{#name}}, {{name}}{{/name}}! Dođite nam opet."]
  },
  "mention": {
    "en": ["Thanks for the mention{{#name}}, {{name}}{{/name}}! Let us know if there's anything we can help with.",
           "Thanks for thinking of us{{#name}}, {{name}}{{/name}}! We're here if you need anything."],
    "bs": ["Hvala na spominjanju{{#name}}, {{name}}{{/name}}! Javite nam ako Vam nešto zatreba.",
           "Hvala što mislite na nas{{#name}}, {{name}}{{/name}}! Tu smo ako Vam nešto treba."],
    "hr": ["Hvala na spominjanju{{#name}}, {{name}}{{/name}}! Javite nam ako Vam nešto zatreba.",
           "Hvala što mislite na nas{{#name}}, {{name}}{{/name}}! Tu smo ako Vam nešto treba."],
    "sr": ["Hvala na pominjanju{{#name}}, {{name}}{{/name}}! Javite nam ako Vam nešto zatreba.",
           "Hvala što mislite na nas{{#name}}, {{name}}{{/name}}! Tu smo ako Vam nešto treba."]
  }
}
})json";
}

}  // namespace odziv::responders
