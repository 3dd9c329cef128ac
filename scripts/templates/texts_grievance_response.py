"""The words of the ``grievance_response`` template in Spanish (neutral Latin American, plain
language): English run -> translation, as in ``texts.py``, whose COMMON words it shares."""

GRIEVANCE_RESPONSE = {
    "es": {
        "Answer to grievance ": "Respuesta a la queja ",
        ". Date of this answer: ": ". Fecha de esta respuesta: ",
        "Our answer to your complaint": "Nuestra respuesta a su queja",
        "This is the written answer of ": "Esta es la respuesta por escrito de ",
        " to the complaint (grievance) you made on ": " a la queja que usted presentó el ",
        ". Our decision: ": ". Nuestra decisión: ",
        "Grievance number": "Número de queja",
        "Grievance received": "Queja recibida",
        "Your complaint": "Su queja",
        "What we found": "Lo que encontramos",
        "Our decision": "Nuestra decisión",
        "What we will do": "Lo que vamos a hacer",
        "If you are not satisfied": "Si no está conforme",
        "You will not be punished for making a complaint. If you are not satisfied with this answer, you can contact:": "No recibirá ningún castigo por presentar una queja. Si no está conforme con esta respuesta, puede comunicarse con:",
        "Continuum of Care Governance & Membership Committee": "Comité de Gobernanza y Membresía del Continuum of Care (red local de servicios para personas sin hogar)",
        "Office": "Oficina",
        "For": "Para",
        "Contact": "Contacto",
        "Answered and signed by:": "Respondida y firmada por:",
        ". You get a copy of this answer. Document ": ". Usted recibe una copia de esta respuesta. Documento ",
    },
}
