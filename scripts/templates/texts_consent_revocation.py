"""The words of the ``consent_revocation`` template in Spanish (neutral Latin American, plain
language): English run -> translation, as in ``texts.py``, whose COMMON words it shares."""

CONSENT_REVOCATION = {
    "es": {
        "Also called cancelling a release of information. Received: ": "También se llama cancelar una autorización para divulgar información. Recibida: ",
        "What this form does": "Para qué sirve este formulario",
        "This form cancels your consent ": "Este formulario cancela su consentimiento ",
        ", which let ": ", que permitía que ",
        " share information about you with ": " compartiera información sobre usted con ",
        "The consent you cancel": "El consentimiento que cancela",
        "Consent": "Consentimiento",
        "It let us share with": "Permitía compartir con",
        "You signed it on": "Usted lo firmó el",
        "We received your request": "Recibimos su solicitud",
        "Your written request": "Su solicitud por escrito",
        ": ": ": ",
        "In your words:": "En sus palabras:",
        "What happens now": "Qué pasa ahora",
        "The cancellation counts from when we received it: ": "La cancelación cuenta desde que la recibimos: ",
        ". From then on we share nothing more with ": ". Desde entonces no compartimos nada más con ",
        " under this consent.": " por este consentimiento.",
        "It does not undo information we already shared while the consent was in effect.": "No deshace la información que ya compartimos mientras el consentimiento estaba vigente.",
        "We will tell ": "Le avisaremos a ",
        " that the consent has ended.": " que el consentimiento terminó.",
        "Your other consents, if you have any, stay as they are. Your services do not change.": "Sus otros consentimientos, si tiene alguno, siguen igual. Sus servicios no cambian.",
        "You can sign a new consent later if you want to.": "Puede firmar un nuevo consentimiento más adelante si lo desea.",
        "I received the client's written request described above and recorded it on this form.": "Recibí la solicitud por escrito de la persona cliente descrita arriba y la registré en este formulario.",
        "By signing, I cancel the consent described above.": "Al firmar, cancelo el consentimiento descrito arriba.",
        "The client gets a copy of this form. Document ": "La persona cliente recibe una copia de este formulario. Documento ",
    },
}
