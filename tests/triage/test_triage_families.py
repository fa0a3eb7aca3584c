"""Families of message the blind batches of 2026-12-01 (A, B, C, E) showed the reading missed,
each with sentences written for this test (not the batches' own): a change that
catches a family is what generalises to messages nobody has seen."""

from __future__ import annotations

import pytest

from followup.triage import triage

# Fainting or a seizure told as what happened or was seen, and regional Spanish words (privarse,
# desvanecimiento, soponcio, 'no respondía', 'se puso tiesa').
FAINT_AS_A_STORY = [
    ('he keeps collapsing since this morning', 'emergency'),
    ('found grandpa on the bathroom floor, he doesnt remember how he got there', 'emergency'),
    ('she went limp in the car and we couldnt rouse her', 'emergency'),
    ('mi esposo se privó en la cocina', 'emergency'),
    ('me privé un ratito en el baño', 'emergency'),
    ('a mi mamá le dio un soponcio en la iglesia', 'emergency'),
    ('mi hijo no respondía cuando le hablaba', 'emergency'),
    ('a mi papá le dio un desvanecimiento en la tienda', 'emergency'),
    ('le dio un ataque y se puso tiesa', 'emergency'),
    ('her eyes rolled back and her arms were jerking', 'emergency'),
    ('se le quedaron los ojos en blanco y se puso rígido', 'emergency'),
    ('se me nubló todo y me caí', 'emergency'),
    ("I feel like I'm going to pass out when I stand up", 'urgent'),
    ('siento que me voy a desmayar', 'urgent'),
]

# Chest pain in everyday words ('killing me', 'sharp', 'aplasta', 'arde') and 'chess', the
# misspelling that is a real word.
CHEST_EVERYDAY = [
    ('my chest is killing me since lunch', 'emergency'),
    ('chess pain all night', 'emergency'),
    ('sharp pain in my chest when I breathe in', 'emergency'),
    ('siento que algo me aplasta el pecho', 'emergency'),
    ('el pecho me arde y me oprime', 'emergency'),
]

# The worst-ever headache told as a blow or as never like this before.
THUNDERCLAP = [
    ('headache hit me like a hammer out of nowhere', 'emergency'),
    ('this headache came on at dinner, never had anything like it', 'emergency'),
    ('dolor de cabeza como un martillazo', 'emergency'),
    ('me dio un dolor de cabeza terrible de golpe', 'emergency'),
    ('me duele la cabeza horrible, nunca me había dolido así', 'emergency'),
]

# Breathing told as a sound or as effort (ribs or tummy sucking in), in children too; regional
# Spanish (ahoguío, 'no me alcanza el aire', 'me agito con nada').
BREATHING_SOUND_EFFORT = [
    ('my son is grunting with each breath and his ribs suck in', 'emergency'),
    ('her tummy sucks in under her ribs when she breathes', 'emergency'),
    ('she makes a whistly noise when she breathes', 'emergency'),
    ('a la niña se le hunden las costillas al respirar', 'emergency'),
    ('el bebé hace un ruido al respirar', 'emergency'),
    ('tengo un ahoguío que no se me quita', 'emergency'),
    ('no me alcanza el aire', 'emergency'),
    ('me quedo sin aire con solo caminar a la cocina', 'emergency'),
    ('me agito con nada', 'emergency'),
    ('el niño va chiflando al respirar', 'emergency'),
    ('she whistles when she breathes out', 'emergency'),
    ('le dio una crisis de asma', 'emergency'),
    ("my son's lips are turning blue", 'emergency'),
    ('se le pusieron los labios morados', 'emergency'),
    ('it hurts to breathe in deep', 'emergency'),
    ('mi bebé respira muy rápido', 'emergency'),
]

# Stroke signs told as what a person can no longer do on one side, or as sight lost.
ONE_SIDE_AND_SIGHT = [
    ("can't hold my cup with my left hand since this morning", 'emergency'),
    ('she cant lift her right arm', 'emergency'),
    ('dragging his left leg when he walks', 'emergency'),
    ('no puede levantar el brazo derecho', 'emergency'),
    ('mi mano izquierda no responde', 'emergency'),
    ('all of a sudden I stopped seeing out of my left eye', 'emergency'),
    ('de repente dejé de ver del ojo izquierdo', 'emergency'),
    ('my arm feels heavy and useless on the left', 'emergency'),
    ('se me durmió medio cuerpo', 'emergency'),
    ("couldn't find my words this morning", 'emergency'),
    ('no le entiendo lo que habla, se le traban las palabras', 'emergency'),
    ('se me chueco la boca', 'emergency'),
]

# Urine by colour words, by 'water', 'pis', 'wee', or by how little (nappies).
URINE_WORDS = [
    ('her pee looks like cola', 'urgent'),
    ('my pee is the colour of weak tea', 'urgent'),
    ('his water is really dark and he hardly goes', 'urgent'),
    ('el pis está color café', 'urgent'),
    ('casi no hago pis', 'urgent'),
    ('no wet diapers since this morning', 'urgent'),
    ('el pañal está seco desde anoche', 'urgent'),
    ('my wee is pinkish', 'urgent'),
]

# The arm with the IV: swelling past the site or warm is a clot sign; a bruise or a little
# soreness at the site is not.
IV_ARM_CLOT = [
    ('the arm with the IV is swollen up to the shoulder', 'urgent'),
    ('where they put the drip my arm is hot and swollen', 'urgent'),
    ('el brazo del suero está hinchado hasta el codo', 'urgent'),
    ('el brazo donde me canalizaron está inflamado y calientito', 'urgent'),
    ('little bruise where the IV was', 'mild'),
    ('sore at the IV site', 'mild'),
    ('a little swollen where the needle went in', 'mild'),
]

# Swelling of the lips while breathing is fine stays urgent.
ALLERGIC_SWELLING = [
    ('lips are puffy but breathing is fine', 'urgent'),
    ('se me hincharon los labios pero respiro bien', 'urgent'),
]

# Temperatures said in words, and words that are counts stay words.
SPELLED_TEMPERATURE = [
    ('temp is a hundred and one', 'urgent'),
    ('thermometer says one hundred point eight', 'urgent'),
    ('temperature is one oh two', 'urgent'),
    ('tengo treinta y ocho y medio de fiebre', 'urgent'),
    ('la temperatura es de treinta y nueve', 'urgent'),
    ('temp ninety nine point eight, bit achy', 'mild'),
    ('temperatura treinta y siete y medio', 'mild'),
    ('temp ninety eight point six', 'ok'),
    ('one side of my head aches a bit', 'mild'),
    ('only peed once today', 'urgent'),
]

# A faint long ago, someone else's symptom, or a figure of speech raises nothing.
NOT_THE_PATIENT_NOW = [
    ('I fainted at an infusion a few years ago but this time all good', 'ok'),
    ('hace años me desmayé en una infusión, esta vez todo bien', 'ok'),
    ('la vez pasada me privé pero esta vez nada, todo bien', 'ok'),
    ("my neighbour's son passed out at school, I'm fine though", 'ok'),
    ("my wife's knee is swollen from tennis but I feel great", 'ok'),
    ("my husband's leg is swollen, im ok", 'ok'),
    ('el que tiene tos es mi perro, no yo', 'ok'),
    ("the electric bill almost gave me a heart attack haha, I'm good", 'ok'),
    ('casi me da un infarto con el precio de la gasolina, pero estoy bien', 'ok'),
    ('laughed so hard I was out of breath, no problems otherwise', 'ok'),
    ('nos reímos tanto que me quedé sin aire de la risa, todo bien', 'ok'),
]


# Everyday and regional ways of saying one is well or flu-ish, and asking whether
# something is allowed or normal (a question for a person, not a report).
WELL_OR_ASKING = [
    ('right as rain today, thanks', 'ok'),
    ('ya quedé como nuevo, gracias', 'ok'),
    ('ando engripada desde ayer', 'mild'),
    ('is it okay to have a beer tonight', 'unclear'),
    ('¿es normal que salga un moretón?', 'unclear'),
    ('can IVIG make you faint?', 'unclear'),
    ('can IVIG make you faint like I did yesterday?', 'emergency'),
    ('plenty of wet diapers today', 'ok'),
    ('pañales mojados como siempre', 'ok'),
]


# A carer telling the patient's symptoms: a relative tied to the treatment is the
# patient, even when the carer says they themself are fine.
CARERS = [
    ("my son had his infusion yesterday and now he's wheezing, I'm fine", 'emergency'),
    ('mi hija se desmayó después de la infusión, yo estoy bien', 'emergency'),
    ("my husband's lips look blue", 'emergency'),
    ('el pipí de mi niño está muy oscuro', 'urgent'),
    ('baby is breathing funny and looks pale and floppy', 'emergency'),
    ('papá se desplomó en la sala', 'emergency'),
    ('mi mamá no puede hablar bien, no le salen las palabras', 'emergency'),
    # a child's flu stays the patient's (parents text for children): mild, no alert
    ('mi hijo tiene gripa pero yo estoy bien', 'mild'),
    ("my daughter fainted at school, I'm fine", 'emergency'),
    ("my son has a fever, not me, I'm fine", 'ok'),
]


# -- families batch C (2026-12-01) showed the reading missed ---------------------------
# Going to the toilet told with "gone"/"been" ("barely gone today"), which is no symptom
# gone; how little said as "a tiny bit"; the colour told of "it" after the urine
# ("peed and it's a browny colour", "oriné y salió oscura").
URINE_TOLD_LOOSELY = [
    ("wee looks reddish and I've hardly been today", 'urgent'),
    ("I've barely gone since yesterday", 'urgent'),
    ("he has only been once since breakfast", 'urgent'),
    ("only did a tiny bit of pee this afternoon", 'urgent'),
    ("went for a pee earlier and it was a rusty sort of colour", 'urgent'),
    ("la pipí está rosita y casi no he ido al baño", 'urgent'),
    ("apenas he ido al baño en todo el día", 'urgent'),
    ("oriné hace rato y salió bien oscura", 'urgent'),
    ("headache was bad last night, it's gone today", 'ok'),
]

# Being exhausted said as an idiom: tiredness (mild), never unreadable.
TIRED_IDIOMS = [
    ("I'm totally shattered after yesterday", 'mild'),
    ("feeling pooped today", 'mild'),
    ("dead on my feet this afternoon", 'mild'),
    ('ando molido desde la infusión', 'mild'),
    ('estoy hecha pedazos hoy', 'mild'),
    ('me siento rendido y sin pilas', 'mild'),
]

# Being well said as a share ("100%"); a headache that daily life "gives" is a figure of
# speech, while one the treatment gives is a headache.
WELL_AND_FIGURES = [
    ('back to 100% this morning', 'ok'),
    ("feeling 100 % thank you", 'ok'),
    ('me siento al 100%', 'ok'),
    ('feeling 100 degrees and shivery', 'mild'),
    ("these insurance bills are giving me a headache, otherwise I'm good", 'ok'),
    ('the drip gave me a headache last night', 'mild'),
    ('mis hijos me dan dolor de cabeza jaja, yo estoy bien', 'ok'),
    ('la infusión me dio dolor de cabeza', 'mild'),
]

# A request made without a question mark, with nothing wrong in it, needs a person.
REQUESTS_WITHOUT_A_MARK = [
    ('my dog has been unwell all week, can you recommend someone', 'unclear'),
    ("I'm fine, could you call me about the next appointment", 'unclear'),
    ('please call me back when you can', 'unclear'),
    ('estoy bien, me puede llamar para cambiar la cita', 'unclear'),
    ('mi gato está enfermo, conoce algún veterinario', 'unclear'),
    ("I'm fine, thank you", 'ok'),
]

# Numbness on one side said with a verb ("no siento", "se me duerme"), read by the rules
# alone (batch C's one was caught only by the second reader); a foot asleep while
# sleeping, on no side, is not a stroke sign.
ONE_SIDE_NUMB_BY_VERB = [
    ('no siento la mano izquierda desde hace un rato', 'emergency'),
    ('se me durmió la pierna derecha y no se me quita', 'emergency'),
    ('se me adormece medio lado de la cara', 'emergency'),
    ("can't feel my left hand since lunch", 'emergency'),
    ('my right leg went numb and so did my face on that side', 'emergency'),
    ('se me duerme la mano cuando duermo de lado', 'unclear'),
]


# -- families batch E (2026-12-01) showed the reading missed ---------------------------
# Voice-to-text: sound-alikes of "breathe" after "can't"/"trouble"/"short of", a word split
# in two ("res pirar", "des mayó", "pi pi"), pee said by its letter ("my P"); bread
# alone is still bread.
VOICE_TO_TEXT = [
    ('i cant breed at all since lunch', 'emergency'),
    ('having trouble breeding when I lie down', 'emergency'),
    ('so short of bread walking up the stairs', 'emergency'),
    ("my wife can't brief properly", 'emergency'),
    ('my P looks brown today', 'urgent'),
    ('no puedo res pirar bien', 'emergency'),
    ('mi mamá se des mayó en la cocina', 'emergency'),
    ('el pi pi le sale oscuro', 'urgent'),
    ('the bread at the clinic was stale, otherwise fine', 'ok'),
]

# The heart said as "ticker" or "my pump", with a word of pressure; an infusion pump is
# no heart.
HEART_IDIOMS = [
    ('feels like someone is crushing my ticker', 'emergency'),
    ('my old pump feels heavy and tight tonight', 'emergency'),
    ('a pressure on my ticker since dinner', 'emergency'),
    ('siento que me estrujan el corazón', 'emergency'),
    ('algo me aprieta el corazón desde la mañana', 'emergency'),
    ("the infusion pump kept beeping all night, I'm fine", 'ok'),
]

# The throat told as getting smaller, narrower or thick (with hives or alone): a throat
# closing, not hives alone.
THROAT_SHRINKING = [
    ('hives all over and my throat feels narrower', 'emergency'),
    ('throat feels thick and swallowing is weird', 'emergency'),
    ('my throat is shrinking, I can feel it', 'emergency'),
    ('siento la garganta más angosta y tengo ronchas', 'emergency'),
    ('se me está achicando la garganta', 'emergency'),
    ('la garganta se me hace chiquita', 'emergency'),
]

# Confusion told by a carer: muddled, not herself, asking for someone who died, seeing
# people who are not there; "muddled about" a date is not confusion.
CARER_CONFUSION = [
    ("grandad is muddled this morning, thinks it's Tuesday", 'emergency'),
    ("mum's just not herself since the drip, vacant and slow", 'emergency'),
    ('dad keeps asking for his brother who passed away', 'emergency'),
    ("she's talking to people who aren't there", 'emergency'),
    ('mi abuela anda como ida, pregunta por mi abuelo que ya murió', 'emergency'),
    ('mi papá desvaría desde la tarde', 'emergency'),
    ('mi mamá no es ella misma desde ayer', 'emergency'),
    ("I'm a bit muddled about which day my next infusion is", 'unclear'),
]

# A faint told as the world going dark and waking or coming to; a power cut is no faint.
FAINT_WAKING = [
    ('everything went dark and I woke up on the sofa', 'emergency'),
    ('the world went grey, next thing my husband was calling my name', 'emergency'),
    ('she said it all went black and when she came to she was on the rug', 'emergency'),
    ('se me puso todo negro y desperté en el sillón', 'emergency'),
    ('cuando volví en mí estaba en el suelo', 'emergency'),
    ('mi mamá recobró el sentido después de un minuto', 'emergency'),
    ("the power went out and everything went dark, we're all fine", 'ok'),
]

# Blood told of "it" after the urine, and urine by its letter.
URINE_BLOOD_IN_IT = [
    ('my p has blood in it', 'urgent'),
    ('went for a pee and there was blood in it', 'urgent'),
    ('his pp is pink', 'urgent'),
    ('i passed doubt in the kitchen', 'emergency'),
    ('hice pipí y tenía sangre', 'urgent'),
    ('la orina me salió con sangre', 'urgent'),
]

# About to faint on standing, told with the knees and legs.
NEAR_FAINT_STANDING = [
    ('my knees buckle when I stand up', 'urgent'),
    ('went all wobbly at the knees getting out of bed', 'urgent'),
    ('almost went down in the kitchen when I got up', 'urgent'),
    ('se me doblan las rodillas cuando me paro', 'urgent'),
    ('las piernas no me sostienen al levantarme', 'urgent'),
    ('casi me caigo al levantarme de la silla', 'urgent'),
]

# A number beside any fever word is a temperature; "bien" before how a child is means
# "very", not "well"; a word near a negation is not corrected into one ("nene" is no
# "none", "doña" no "don't").
FEVER_BESIDE_A_NUMBER = [
    ('feverish, 101.8 this morning', 'urgent'),
    ('feeling feverish at 99.5', 'mild'),
    ('the baby is febrile 38.4', 'urgent'),
    ('amaneció con calentura de 39', 'urgent'),
    ('el niño tiene fiebrita, 38.6', 'urgent'),
    ('la nena tiene 38.7 y está bien chillona', 'urgent'),
    ('el nene amaneció bien caliente y llorón', 'mild'),
    ('doña Carmen se desmayó en misa', 'emergency'),
    ('tengo 37.5 de fiebre', 'mild'),
]

# Yellow whites of the eyes or skin, however long the sentence between.
JAUNDICE_WHITES = [
    ('the whites of his eyes look yellowish', 'urgent'),
    ("there's a yellow tinge to the whites of my eyes", 'urgent'),
    ('my skin has gone a bit yellowy', 'urgent'),
    ('tiene lo blanco de los ojos amarillento', 'urgent'),
    ('le veo amarillenta la piel al bebé', 'urgent'),
    ('se me pusieron amarillos los ojos', 'urgent'),
]

# The arm with the IV: swollen and hot or red (across a comma), or red and warm, is a
# clot sign; only sore where the line was is the IV site.
IV_ARM_HOT_OR_SORE = [
    ("the arm where they put the IV swelled up, it's hot and red", 'urgent'),
    ('arm where the drip went in is red and warm', 'urgent'),
    ('se me hinchó el brazo del suero, está caliente', 'urgent'),
    ('el brazo del suero está rojo y caliente', 'urgent'),
    ('me duele donde estuvo la aguja', 'mild'),
    ('my arm is a bit sore where the drip was', 'mild'),
    ('tengo el brazo adolorido donde me canalizaron', 'mild'),
]

# A finding dated long ago is history when the patient says they are well now; dated
# "since", "again", or hours ago, it is news.
OLD_HISTORY = [
    ('had a clot in my leg back in 2018, nothing since, feeling great', 'ok'),
    ("I passed out once years ago at the dentist but this time I'm fine", 'ok'),
    ('had seizures as a kid, none now, all good', 'ok'),
    ('de niña me daban convulsiones, hoy estoy bien', 'ok'),
    ('en el 2019 tuve una embolia, pero ahorita me siento bien', 'ok'),
    ('had a clot in 2019 and now my calf is swollen again', 'urgent'),
    ('fainted 2 hours ago, fine now', 'emergency'),
    ('my leg has been swollen since 2019, otherwise fine', 'urgent'),
]

# An instruction said back as a plan ("if X, I call you") with the patient well now
# reports nothing; without the "I'm well", or without the plan, it is a report.
PLAN_SAID_BACK = [
    ('ok so if my ankles swell or I barely pee I should call you. none of that, all good',
     'ok'),
    ("noted: if the leg gets red and sore I'll ring the clinic. nothing wrong, I'm fine", 'ok'),
    ('si me sale orina oscura les aviso. todo bien por ahora', 'ok'),
    ('entendido, si se me hinchan los pies les llamo, por ahora estoy bien', 'ok'),
    ('if I stand up my leg swells', 'urgent'),
    ('my leg swells when I walk so I will call you', 'urgent'),
]

# Daily life named as "the only headache", and other ways to say all is well or over.
ONLY_A_FIGURE_AND_ALL_CLEAR = [
    ('my landlord is the only headache I have, otherwise all good', 'ok'),
    ('the paperwork is my biggest headache, health wise all good', 'ok'),
    ('mis nietos son mi único dolor de cabeza, yo estoy de maravilla', 'ok'),
    ('all clear on my end', 'ok'),
    ('all quiet here, thanks', 'ok'),
    ('todo tranquilo por acá', 'ok'),
    ('ya se le quitaron las ronchas al niño', 'ok'),
    ('a mi hija ya se le pasó la fiebre', 'ok'),
    ('the only thing is a headache since last night', 'mild'),
]

# Found by the second reader on E's first pass, read by the rules now: one limb heavy or
# not one's own, breath lost on a short walk, swelling told by socks and comparisons.
ONE_LIMB_NOT_MINE = [
    ('my left hand feels heavy like lead since breakfast', 'emergency'),
    ("mum says her leg feels like it's not hers", 'emergency'),
    ('siento la pierna derecha pesada como plomo', 'emergency'),
    ('dice que el brazo es como si no fuera suyo', 'emergency'),
]

BREATH_ON_A_SHORT_WALK = [
    ('I have to stop on the landing to catch my breath', 'emergency'),
    ("can't get to the mailbox without stopping to catch my breath", 'emergency'),
    ('no aguanto caminar a la cocina sin quedarme sin aire', 'emergency'),
]

SWELLING_BY_WHAT_IT_DOES = [
    ('his socks left deep marks on his ankles tonight', 'urgent'),
    ('when I press my shin the dent stays', 'urgent'),
    ('my feet look like balloons', 'urgent'),
    ('tengo los pies como globos', 'urgent'),
    ('los calcetines me dejan marcas bien hondas', 'urgent'),
    ('my new shoes are a bit tight', 'unclear'),
]

# Batches N and O (2026-12-01, third session), each kind in sentences of our own.
ONE_SITE_TWO_READINGS = [
    ("my arm is aching where the drip went in, a little tender", "mild"),
    ("my calf is swollen and the arm where the drip was is bruised", "urgent"),
    ("me duele el brazo donde me pusieron el suero, un poco sensible", "mild"),
    ("tengo la pantorrilla hinchada y el brazo donde me pusieron el suero morado", "urgent"),
]
NAMED_NOT_FELT = [
    ("saw a documentary about blood clots and strokes last night, I feel totally fine", "ok"),
    ("watched a video on heart attacks, scary, but I'm fine", "ok"),
    ("watched a video on heart attacks and now my chest hurts", "emergency"),
    ("the nurse told me to watch for chest pain, nothing so far", "ok"),
    ("you said to watch for chest pain, I have it now", "emergency"),
    ("vi un documental sobre derrames, pero yo estoy perfectamente", "ok"),
]
LOOKING_FOR_A_SIGN = [
    ("no veo manchas en la piel, todo bien", "ok"),
    ("no le veo ninguna roncha, solo me pica un poco", "mild"),
    ("de repente no veo del ojo derecho", "emergency"),
    ("I don't recognise this number, who is it", "unclear"),
    ("no reconozco el número, quién habla", "unclear"),
    ("mum doesn't recognise me this morning", "emergency"),
]
WELL_SO_FAR = [
    ("none so far, all good", "ok"),
    ("100%", "ok"),
    ("nada hasta ahora, gracias", "ok"),
    ("me encuentro estupendamente", "ok"),
    ("la pierna nada roja ni hinchada", "ok"),
    ("the headache and the aches are both gone now", "ok"),
]
STOPPING_TO_BREATHE = [
    ("can't walk to the mailbox without stopping halfway to gasp", "emergency"),
    ("I can walk without stopping, no breathing problems", "ok"),
    ("no puedo subir la escalera sin pararme a jadear", "emergency"),
    ("camino sin parar, sin problemas", "ok"),
    ("sin hacer nada me falta el aire", "emergency"),
    ("sin moverme me duele el pecho", "emergency"),
]
NOT_AT_ALL = [
    ("la rodilla nada hinchada, solo cansada", "mild"),
    ("nada me quita el dolor de cabeza", "mild"),
    ("no me siento nada bien", "mild"),
    ("no hice nada y me desmayé", "emergency"),
    ("my arm is sore where the drip was, no swelling", "mild"),
    ("I could not feel any chest pain", "ok"),  # "could not" stays a negation
]
COLOUR_AND_WORDS_TOLD_LOOSELY = [
    ("his lips have gone a little bit grey", "emergency"),
    ("my hair is going grey", "unclear"),
    ("my nan's water looks brown like cola", "urgent"),
    ("my words keep coming out all wrong", "emergency"),
    ("keeps saying the wrong words", "emergency"),
    ("his lips are swole", "urgent"),
    ("los labios se le han puesto un poco morados", "emergency"),
]
ANIMALS_AND_GYMS_IN_FIGURES = [
    ("tired as a dog but otherwise fine", "mild"),
    ("sick as a dog today", "mild"),
    ("my legs are sore from leg day at the gym", "mild"),
    ("cansada como un perro", "mild"),
    ("el que anda vomitando es mi perrito, no yo", "ok"),
]

# Batches P and Q (2026-12-01, third session), each kind in sentences of our own.
COLLAPSE_AS_A_PICTURE = [
    ("she went down like a sack of potatoes and was out cold for a few seconds", "emergency"),
    ("out cold all night after the infusion, slept great", "ok"),
    ("se desplomó y quedó inconsciente un momento", "emergency"),
    ("dormí como un tronco toda la noche, todo bien", "ok"),
]
SEEN_IN_THE_TOILET = [
    ("there was some red in the bowl when I peed", "urgent"),
    ("saw a bit of pink in the toilet this morning", "urgent"),
    ("vi algo rosado en el inodoro cuando fui", "urgent"),
]
NOTHING_OF_THAT = [
    ("the leaflet says to look out for leg swelling or chest pain, haven't had any of that", "ok"),
    ("had a clot years ago, nothing like that now, just tired", "mild"),
    ("me dijeron que vigilara el dolor de pecho, no he tenido nada de eso", "ok"),
    ("it's the cat that's poorly, being sick all morning, I'm fine", "ok"),
    ("el perro está malo, vomitando toda la noche, yo estoy bien", "ok"),
    # "morning" is no gerund: the cough is the patient's
    ("my dog was sick all night, nothing wrong with me, morning cough though", "mild"),
]
DAILY_LIFE_AS_A_BLOW = [
    ("the traffic today was enough to give anyone a heart attack, but I'm fine", "ok"),
    ("this weather would give anybody a stroke lol, feeling normal", "ok"),
    ("casi me dio un infarto cuando vi el recibo del agua, pero estoy bien", "ok"),
    ("slight headache and I feel like I got run over by a bus, achy everywhere", "mild"),
    ("headache like I was hit by a truck, came on all at once", "emergency"),
]
CONFUSION_AND_STANDING_TOLD_BY_CARERS = [
    ("dad is not recognising any of us this afternoon", "emergency"),
    ("mum keeps asking for her late husband since this morning", "emergency"),
    ("he can't get out of his chair without going woozy", "urgent"),
    ("I can walk without getting dizzy now", "ok"),
    ("me duele muchísimo la cabeza y cada vez más", "urgent"),
    ("nae fever, just a wee bit tired", "mild"),
    ("my dad does not know what year it is", "emergency"),
    ("she did not recognise me this morning", "emergency"),
]

# Batches R and S (2026-12-01, third session), each kind in sentences of our own.
RELIEF_THAT_COMES_AND_GOES = [
    ("I get this heavy feeling in my chest on the stairs, goes away when I rest", "emergency"),
    ("a squeezing sort of pain in my chest when I walk, eases if I sit", "emergency"),
    ("me está doliendo el pecho cuando camino, se me quita cuando descanso", "emergency"),
    ("the headache went away, feeling great", "ok"),
]
TOLD_AS_OVER_IN_A_LIST = [
    ("the headache and chills went away yesterday", "ok"),
    ("my leg is swollen and the headache went away", "urgent"),
    ("chest pain and headache went away", "emergency"),
    ("she was tired on day 2 but is back to her normal self", "ok"),
    ("he had a temp of 38.5 on monday, it's been normal since", "ok"),
    ("el dolor de cabeza y los escalofríos se me quitaron", "ok"),
]
SHOWS_AND_LEAFLETS = [
    ("watched a film where a woman had a stroke, gave me a fright, I'm fine though", "ok"),
    ("read the bit about chest pain in the leaflet, none of that here", "ok"),
    ("leí el folleto, lo de los coágulos y lo del pecho, pero no tengo nada de eso", "ok"),
    ("my head is thumping a bit, nothing a nap won't fix", "mild"),
]

# Batches T and U (2026-12-01, third session), each kind in sentences of our own.
COMES_BACK = [
    ("pain across my chest on the hill, it eased when I stopped but it's back now", "emergency"),
    ("headache went away but now it's back", "mild"),
    ("se me quitó el dolor de cabeza pero volvió", "mild"),
    ("the swelling went down and I'm back home", "ok"),
]
CHEST_AND_HEAD_IN_EVERYDAY_WORDS = [
    ("got this pain in the middle of me chest going into my jaw", "emergency"),
    ("banging head that's got steadily worse, tablets doing nothing", "urgent"),
    ("le hablé y no le entendía nada, hablaba como borracho", "emergency"),
    ("slightly itchy on my arm, can't see much of a rash", "mild"),
]
NOT_THEIRS_NOT_NOW = [
    ("wheezy since the neighbour's cat came in and it's way worse than usual", "emergency"),
    ("my brother had a seizure last week, nothing to do with me, no symptoms for me", "ok"),
    ("had a clot in my leg back in 2018 so I walk every hour like you said, no issues", "ok"),
    ("dad's had no reactions this time, he's out pottering in the garden", "ok"),
    ("vi en la tele que a uno le dio un infarto, pero yo estoy bien", "ok"),
]
TIRED_AND_WELL_SAID_PLAINLY = [
    ("I'm dragging today, ain't got no energy", "mild"),
    ("feel like I've got a hangover, minus the party", "mild"),
    ("the dizzy spell is gone, been steady on my feet since", "ok"),
    ("feeling like a million bucks", "ok"),
    ("me siento como si tuviera cruda", "mild"),
]
A_NEW_SENTENCE_ABOUT_SOMETHING_ELSE = [
    ("chest pain when I walk, still there. Also the parking machine at the clinic is broke",
     "emergency"),
    ("had a headache yesterday. all gone now", "ok"),
    ("me duele el pecho desde la mañana. Por cierto, la máquina del estacionamiento ya se arregló",
     "emergency"),
    ("tuve dolor de cabeza ayer. Ya se me quitó", "ok"),
]

# The fourth session (batches X, Y and AB). The writer says they are well in any of the
# usual forms, and the red flag is someone else's: a grandchild at the needle, a
# neighbour who had the same treatment ("ese tratamiento" is then hers), "the one who".
WELL_IN_ANY_FORM_AND_SOMEONE_ELSE = [
    ("feeling great. my granddaughter fainted at the sight of the needle though", "ok"),
    ("I'm feeling pretty good, my neighbour had a clot with this same treatment", "ok"),
    ("yo me siento muy bien, a mi vecino le dio un coágulo con ese tratamiento", "ok"),
    ("ando bien, mi hermana es la que anda con fiebre", "ok"),
    ("my husband is the one who fainted at the clinic, im fine", "ok"),
    # a greeting says nothing of the writer, and a relative tied to the treatment is the
    # patient: these stay red flags
    ("good morning, my dad fainted in the kitchen", "emergency"),
    ("buenos días, mi papá se desmayó en la cocina", "emergency"),
    ("my son had his infusion yesterday and is wheezing, I'm fine", "emergency"),
]

# Dreamt, not felt: set aside when the writer says they are well; a pain score that rose
# is read as the score it reached; "paining" is hurting; "hard for me to breathe".
DREAMS_SCORES_AND_DIALECT = [
    ("had a nightmare that I had a stroke, all good this morning", "ok"),
    ("soñé que me daba un infarto, pero estoy bien", "ok"),
    ("my headache went from a 2 to a 9 since lunch", "urgent"),
    ("el dolor de cabeza subió de un 3 a un 8 desde ayer", "urgent"),
    ("headache went from 8 to 3, much better", "mild"),
    ("my chest has been paining me since I woke", "emergency"),
    ("it is very hard for me to breathe tonight", "emergency"),
]

# Over against the day before ("tired yesterday but fine today"), but not when the fine
# is set against the symptom ("headache, otherwise fine now"), tells of before ("she
# was fine today") or of something else ("breathing fine now").
OVER_SINCE_YESTERDAY = [
    ("achy yesterday but great today", "ok"),
    ("ayer con escalofríos pero hoy ya como nuevo", "ok"),
    ("headache, otherwise ok now", "mild"),
    ("dolor de cabeza, por lo demás ya estoy bien", "mild"),
    ("she keeps asking what year it is, she was fine today at lunch", "emergency"),
    # a report that something else is well resolves nothing told before it
    ("my lips swelled up, breathing fine now", "urgent"),
    ("se me hincharon los labios, hoy respiro bien", "urgent"),
    ("not one single symptom, all good", "ok"),
    ("ni un solo síntoma hasta ahora", "ok"),
]

# Confusion told by a carer as the same question asked over and over.
ASKED_OVER_AND_OVER = [
    ("grandpa kept asking where he was all afternoon", "emergency"),
    ("mi abuela sigue preguntando qué día es", "emergency"),
    ("she keeps asking when her next appointment is", "unclear"),
]

# A sign asked about in general, sleep told as passing out, a skill told as "not good",
# someone else's illness followed by "so": none is the patient's symptom.
ASKED_IN_GENERAL_AND_EVERYDAY_IDIOMS = [
    ("what does a blood clot look like? just curious, legs are fine", "unclear"),
    ("¿cómo se ve un coágulo? solo pregunto, yo estoy bien", "unclear"),
    ("passed out on the sofa at 8 and slept like a log, feel great", "ok"),
    ("I passed out on the couch, then he found me on the floor", "emergency"),
    ("not good at texting, but my leg is swollen and hot", "urgent"),
    ("feel fine, my brother's got the flu so I'm staying away", "ok"),
    ("estoy bien, mi cuñado tiene gripa así que no lo visito", "ok"),
]

# Batches AA and AD: a checklist echoed and answered ("chest pain? nope"), shocks and
# egos as figures of speech, urine seen to be normal again, and red flags told in
# words the rules lacked ("me está costando respirar", "hasn't wet his pad", "spat up
# blood", "dazed").
CHECKLIST_ECHOED_AND_FIGURES = [
    ("chest pain? nope. fever? no. just tired", "mild"),
    ("¿falta de aire? no. ¿dolor de pecho? no. solo cansancio", "mild"),
    ("chest pain? no, it's getting worse", "emergency"),
    ("nearly fainted when I saw the parking fee lol, all good", "ok"),
    ("casi me desmayo cuando vi la factura, pero estoy bien", "ok"),
    ("I fainted at the clinic when I saw the bill, hit my head", "emergency"),
    ("my pee was dark this morning but it's back to pale yellow now, feel fine", "ok"),
    ("only thing swollen is my ego lol, feel great", "ok"),
    ("nearly gave my wife a heart attack with my driving, but I feel fine", "ok"),
    ("ni rastro de fiebre pero me está costando respirar", "emergency"),
    ("my brother hasn't wet his pad since lunch", "urgent"),
    ("spat up some blood after a coughing fit", "emergency"),
    ("my mum looks dazed and isn't making sense", "emergency"),
]

# Batches AC, AE and AF: a red flag said to be over only with a hedge ("fine now I
# think", "ahora estoy bien creo") is not over; a fear of clots names a risk, not a sign;
# an aunt or a neighbour who had a clot with "this treatment" is not the patient when the
# writer says they are well; the head in regional words; breathing told as a sound.
HEDGED_OVER_AND_NAMED_FEARS = [
    ("couldn't catch my breath in the night, ok now I guess", "emergency"),
    ("anoche me desmayé en el baño, ya estoy bien creo", "emergency"),
    ("the headache is gone I think", "mild"),
    ("I'm scared of blood clots so I walk every hour, just tired", "mild"),
    ("tengo miedo a los coágulos, pero solo estoy cansada", "mild"),
    ("worried about clots and now my left calf is swollen and hot", "urgent"),
    ("my uncle had a stroke with this same treatment, I'm feeling great though", "ok"),
    ("mi prima tuvo una trombosis con este tratamiento, yo me siento perfectamente", "ok"),
    ("me duele el coco, nada más", "mild"),
    ("his breathing sounds squeaky and fast tonight", "emergency"),
    ("bad headache Saturday but it went after a nap, nothing since", "ok"),
    # told as worse within the message: the policy names a worsening headache
    ("my headache eased yesterday but it's come back worse this morning", "urgent"),
    ("el dolor de cabeza se calmó pero hoy volvió peor", "urgent"),
    # "faint" that says slight, and someone placed beside the writer
    ("just a faint rash on my wrist, nothing else", "mild"),
    ("a faint feeling every time I stand up", "emergency"),
    ("the man beside me at the clinic passed out, I'm fine though", "ok"),
    ("la señora junto a mí se desmayó, pero yo estoy bien", "ok"),
]

# Learned from blind batches AJ to AQ (fifth session), in our own words.
AMOUNTS_DENIALS_AND_FALLS = [
    # little urine told by how often or how much
    ("only went pee once today and hardly anything came out", "urgent"),
    ("he is peeing next to nothing even with all the juice", "urgent"),
    ("hoy mi hijo solo hizo pipí una vez", "urgent"),
    ("casi no está orinando la niña", "urgent"),
    ("no hace pichí desde anoche", "urgent"),
    ("peeing loads, nice and pale", "ok"),
    # weight gained, said of another or by any verb
    ("mi mamá subió 3 kilos en dos días", "urgent"),
    # falls after a dizzy spell, and a time out of it
    ("went woozy and fell over in the shower", "emergency"),
    ("se mareó y se fue al piso", "emergency"),
    ("my dad was out for a few seconds after standing up", "emergency"),
    ("felt dizzy and fell asleep on the couch", "urgent"),
    ("popped out for a few seconds to get the post, otherwise resting", "unclear"),
    # a denial said after the symptom, at the end of its stretch
    ("me duele todo el cuerpo, pero fiebre no tengo", "mild"),
    ("vómitos tampoco, solo cansancio", "mild"),
    ("me duele el pecho no tengo fiebre", "emergency"),
    ("dolor de pecho no se me quita", "emergency"),
    # worsening, light that cannot be borne, breath harder than before, worst as "worse"
    ("el dolor de cabeza va a más desde ayer", "urgent"),
    ("headache and I can't bear the light at all", "urgent"),
    ("no soporto la luz y me duele la cabeza", "urgent"),
    ("his breathing is harder today than last night", "emergency"),
    ("headache came out of the blue, worse one ever in my life", "emergency"),
    ("dolor de cabeza de la nada, el peor de mi vida", "emergency"),
    ("tiene pitos en el pecho", "emergency"),
    ("me caí redonda en la calle", "emergency"),
    # swelling told by rings and shoes
    ("my wedding ring won't come off tonight", "urgent"),
    ("los zapatos me aprietan y el anillo no sale", "urgent"),
    # over, told against yesterday or the same day; someone else's, the writer not
    ("tired yesterday, today I'm fine", "ok"),
    ("achy yesterday but feeling like myself again", "ok"),
    ("the lip swelling went down the same day, all good now", "ok"),
    ("pee was dark on Monday, it's been clear since", "ok"),
    ("my kids have colds but I'm not", "ok"),
    ("mi esposo tiene gripe pero yo no", "ok"),
    ("my husband has a fever but I'm not sure about mine", "urgent"),
    ("she had seizures back when she was 2, nothing since, all good", "ok"),
    ("last time I had a clot after the infusion, this time nothing", "ok"),
    ("gracias, sin efectos esta vez", "ok"),
]

# Learned from AJ to AQ, second round: everyday words for how one is, figures of speech.
WELL_AND_WEARY_IN_EVERYDAY_WORDS = [
    ("feeling chipper this morning", "ok"),
    ("she's her old self again, running around", "ok"),
    ("never better, thanks", "ok"),
    ("todo chivo por aquí", "ok"),
    ("mi papá está regio", "ok"),
    ("bit peaky today and off my dinner", "mild"),
    ("ando desguanzada todo el día", "mild"),
    ("he's pooped after school", "mild"),
    ("legs feel like I ran a marathon", "mild"),
    ("tengo agujetas en las piernas", "mild"),
    ("the drip spot is purple today", "mild"),
    ("my head's a bit thumpy", "mild"),
    # figures of speech, and weary of something
    ("my landlord is a real pain in the neck, I'm good though", "ok"),
    ("el tráfico es un dolor de cabeza, yo estoy bien", "ok"),
    ("sick and tired of the rain but otherwise fine", "ok"),
    # another one than the patient; another of the same that is over
    ("my other son has a temperature, the one who had the infusion is fine", "ok"),
    ("mi otra hija tiene fiebre, el que recibió el tratamiento está bien", "ok"),
    ("rash on my arm still itchy, the one on my leg has gone", "mild"),
    ("tengo ronchitas en el brazo que pican, la otra ya se me ha ido", "mild"),
    ("la ronchita se me ha ido del todo", "ok"),
    ("the headache went the same day", "ok"),
    # reassurance is no worsening; a word to begin with says nothing of how one is
    ("the bruise by the cannula looks worse than it feels", "mild"),
    ("ok so about the parking on Tuesday", "unclear"),
    ("ok mire es que el martes no puedo ir", "unclear"),
    # Scottish "a wee bit" is a little, never urine
    ("a wee bit dark in the house today, fine otherwise", "ok"),
    ("my wee is a wee bit dark", "urgent"),
]

# Learned from AR to AY (fifth session, second round of batches), in our own words.
WEIGHTS_LISTS_AND_BASELINES = [
    # two weights, the one of now higher: sudden weight gain
    ("stepped on the scale: 150 lbs Monday, 157 this morning", "urgent"),
    ("weighed 64 kg yesterday and 67 kg today", "urgent"),
    ("mi esposo pesaba 80 kilos el lunes, hoy 83", "urgent"),
    ("peso 70 hoy, ayer 69.5", "unclear"),
    ("weighed 72 kg today, 74 last week", "unclear"),
    # signs told by what is seen or has to be done
    ("the spots have spread from her arms to her belly", "urgent"),
    ("las ronchitas se han multiplicado", "urgent"),
    ("his pads have been dry all day", "urgent"),
    ("barely going to the toilet compared to normal", "urgent"),
    ("every time I stand up I have to grab the counter", "urgent"),
    ("al pararme se me nubla todo", "urgent"),
    ("she can't get her shoes on, feet like balloons", "urgent"),
    ("tengo los pies como almohadas", "urgent"),
    ("nearly keeled over in the kitchen, head swimming", "urgent"),
    # a question that lists red flags is a question; a plan with "if I get up" is not
    ("what do I do if I get chest pain or can't breathe?", "unclear"),
    ("¿qué hago si me empieza a doler el pecho?", "unclear"),
    ("if I get up I get dizzy or I can't breathe", "emergency"),
    # how someone with dementia always is; someone else's, told on
    ("Mum is always a bit muddled with her dementia, nothing new, eating well", "ok"),
    ("mi papá siempre anda algo desorientado, igual que antes, come bien", "ok"),
    ("my cat had a fit this morning, she's fine now, I'm all good", "ok"),
    ("my little sister has the flu but I'm fine", "ok"),
    ("mi hermanito tiene fiebre pero yo estoy bien", "ok"),
    # over: "hoy nada", a fever that settled; not over: "till it passes"
    ("ayer tuve dolor de cabeza pero hoy nada", "ok"),
    ("her temperature settled overnight, all good now", "ok"),
    ("I get lightheaded standing up until it passes", "urgent"),
    # figures of speech and everyday words that are no symptom
    ("nearly had a heart attack when I saw the parking ticket, feeling fine", "ok"),
    ("no contesté porque se me murió el celular, todo bien", "ok"),
    ("can't see my ankle bones, they're so puffy", "urgent"),
    ("dolor de cabeza pero no es el peor de mi vida", "mild"),
    ("just letting you know the nurse mentioned clots, I'm fine", "ok"),
    # the writer well in one word, or their own treatment named ("my next infusion")
    ("Good. Wife has a cold though", "ok"),
    ("Bien. Mi esposo anda con gripa", "ok"),
    ("I'm fine, my husband has a fever, is that a problem for my next infusion?", "unclear"),
    ("my son had his infusion and now has a fever, I'm fine", "urgent"),
    # everyday words: over, well, sleepy, a bruise, nausea
    ("the chills only lasted the first night, all good", "ok"),
    ("nada de síntomas esta vez", "ok"),
    ("ya se me pasó el cansancio, ando con toda la pila", "ok"),
    ("feeling 10/10 today", "ok"),
    ("she's sleepier than usual but feeding well", "mild"),
    ("le salió un morete donde le pusieron la aguja", "mild"),
    ("tengo un poco de basca", "mild"),
    # "de la nada" is all of a sudden, never a denial; lips that blew up
    ("de la nada se le torció la boca", "emergency"),
    ("hoy de la nada no puede mover el brazo derecho", "emergency"),
    ("my lips blew up like a balloon, breathing ok though", "urgent"),
    ("the meeting blew up at work, I'm fine", "ok"),
]

# Learned from AZ to BG (fifth session, third round of batches), in our own words.
SCORES_TINGES_AND_NOT_EVEN = [
    ("my headache is a monster today, 8/10", "urgent"),
    ("me duele harto la cabeza", "urgent"),
    ("dolor de cabeza tremendo, el peor de mi vida", "emergency"),
    ("se me había pasado pero volvió de golpe, el peor que he tenido en mi vida", "emergency"),
    ("her skin's gone yellowish", "urgent"),
    ("his left leg's gone fat and sore", "urgent"),
    ("a pink tinge in his pee this morning", "urgent"),
    ("subo dos escalones y ya no puedo ni hablar", "unclear"),
    ("camino un poco y ya no puedo ni hablar del ahogo", "emergency"),
    ("no quiero ni pensar en el dolor de pecho que tuve", "emergency"),
    # spells that pass each time are spells still
    ("goes woozy every time she gets up and it passes when she sits", "urgent"),
    ("cant breathe good since this morning", "emergency"),
    ("had a dizzy spell Saturday, been fine ever since", "ok"),
    ("joked I'd have a heart attack at the needle, just a bruise there now", "mild"),
    ("confundida como siempre, nada nuevo, come bien", "ok"),
    ("tengo tres ronchitas en el brazo", "mild"),
]

# A denial reaches what it stands beside, not a red flag told after it in a run-on
# ("not able to sleep chest hurts": the "not" is the sleep's); lists and bridge words
# still carry it ("no fever chills or rash", "don't have any chest pain"). And the
# sixth session's first round: water for urine, a mouth pulled to one side, breathless
# at the least effort, a headache stronger each day, a blow told across commas.
DENIALS_THAT_STOP_AND_OLD_WORDS = [
    ("not able to sleep chest hurts", "emergency"),
    ("no energy at all chest feels tight", "emergency"),
    ("not eating much lips getting puffy", "urgent"),
    ("I don't have any chest pain", "ok"),
    ("no fever chills or rash", "ok"),
    ("didn't actually pass out, just tired", "mild"),
    ("hardly passing any water, only dribbles", "urgent"),
    ("there was blood in my water this morning", "urgent"),
    ("his mouth went over to one side at lunch", "emergency"),
    ("headache getting more and more strong each day", "urgent"),
    ("headache came on out of nowhere, like being hit with a hammer, worst ever", "emergency"),
    ("no puedo dormir me duele el pecho", "emergency"),
    ("no tengo hambre se me hinchan los labios", "urgent"),
    ("no he tenido dolor de pecho", "ok"),
    ("sin fiebre, sin hinchazón, sin problemas para respirar", "ok"),
    ("se le torció la boca para un lado", "emergency"),
    ("me agito subiendo dos escalones", "emergency"),
    ("ayer estaba bien pero hoy me falta el aire", "emergency"),
    ("dolor de cabeza de golpe, como un martillazo, el peor de mi vida", "emergency"),
]

# What the second reader caught in round 5 and the rules lacked, in words of our own:
# an airway that closes, a chest "a bit tight", a cough that brings up pink froth, food
# brought back up, a straw to breathe through, legs that give on standing, a chest that
# whistles, one side gone numb, one eye gone dark, kilos "cogidos".
WHAT_THE_SECOND_READER_CAUGHT = [
    ("feels like my airway is closing up", "emergency"),
    ("my chest has been a bit tight since lunch", "emergency"),
    ("coughing up pinkish frothy stuff tonight", "emergency"),
    ("bad headache and I keep bringing up my dinner", "urgent"),
    ("breathing is like pulling air through a straw", "emergency"),
    ("drank my juice through a straw, feeling fine", "ok"),
    ("legs go shaky whenever I stand up, have to sit again", "urgent"),
    ("peed only once since yesterday", "urgent"),
    ("there is some pink in my pee", "urgent"),
    ("he talks nonsense since this morning", "emergency"),
    ("el niño está silbando del pecho", "emergency"),
    ("se le durmió todo el lado derecho de la cara", "emergency"),
    ("de repente no veo nada de un ojo", "emergency"),
    ("he cogido 3 kilos en dos días", "urgent"),
    ("me duele la cabeza y ya guacareó dos veces", "urgent"),
]

# Round 6 (read after its first pass): a mouth "gone down" on one side is no swelling
# gone down; half the face gone numb; Scots "watter" and "ma"; hardly been to the loo;
# giddiness on rising; "strike" is never "stroke"; a headache that "se fue y volvió" is
# no faint.
DROOPS_STRIKES_AND_SCOTS = [
    ("she says I was talking rubbish and my mouth has gone down on one side", "emergency"),
    ("my lip came down on the left side this morning", "emergency"),
    ("the swelling in my hand has gone down, feeling fine", "ok"),
    ("his watter is awfy dark the day", "urgent"),
    ("hardly been to the toilet since yesterday", "urgent"),
    ("giddiness when getting up from the chair, nearly fell", "urgent"),
    ("furious about the train strike but feeling fine", "ok"),
    ("se me adormeció la mitad de la cara", "emergency"),
    ("la pierna derecha no la puedo mover", "emergency"),
    ("el dolor de cabeza se fue y volvió, leve", "mild"),
    ("se me fue todo y desperté en el piso", "emergency"),
    # confusion told by what a carer sees (the second reader's catch in an earlier test,
    # which it lost when round 6 was learned: the rules read it now)
    ("mum seems lost in her own house and put the kettle in the fridge", "emergency"),
    ("dad is wandering around the house not knowing where he is", "emergency"),
    ("puso el celular en el refri y no sabe qué día es", "emergency"),
    ("put the leftovers in the fridge, feeling fine", "ok"),
]

# Round 8: a partial word that belongs to the finding, not to its end; a story opened
# with "OK so"; a treatment in voice-to-text or by brand; a squeeze told as it happens;
# bills and chores that "give" a heart attack; friends in other words.
OPENERS_SQUEEZES_AND_BILLS = [
    ("ok. small rash went away by the morning", "ok"),
    ("a bit of a headache, a little better now", "mild"),
    ("OK so my dad stood up and went out cold for a minute, he had his gamma globulin monday",
     "emergency"),
    ("okay so my sister dropped out cold for a minute, she had the immune glob you lend friday",
     "emergency"),
    ("so my wife had her Privigen on tuesday and she is wheezing, I'm fine", "emergency"),
    ("me anda apretando el pecho desde la mañana", "emergency"),
    ("siento que me aprietan el pecho cuando camino", "emergency"),
    ("the tax return is giving me a heart attack haha, otherwise feeling fine", "ok"),
    ("el recibo del agua me dio un infarto jaja, yo bien", "ok"),
    ("my buddy had a clot last year so I keep checking my legs, I'm fine", "ok"),
    ("mi cuate tuvo un coágulo y por eso me checo las piernas, yo estoy bien", "ok"),
    ("totally wore out today, slept all afternoon", "mild"),
    ("le salió un rashito en el cachete, chiquito", "mild"),
    ("el brazo amoratado donde me pusieron la aguja", "mild"),
    ("a sair heid since this morning", "mild"),
]

# Round 9: a stroke sign that passed is still an emergency (a mini-stroke), and sight
# told as "gone" is lost, not over; a headache that builds; "I've had worse" compares; a
# bare "no" after a symptom denies it; a death is someone else's; a rash that is
# everywhere "now"; over on a weekday, worn off, passed; asked "if one day"; another
# person to ring instead.
PASSED_SIGNS_DEATHS_AND_WEEKDAYS = [
    ("my left eye went dark for a few minutes then came back, feel ok now", "emergency"),
    ("all of a sudden I couldn't see out of my right eye, it went blurry then gone", "emergency"),
    ("se me durmió medio lado de la cara un rato pero ya se me pasó", "emergency"),
    ("la boca se me cayó de un lado esta mañana", "emergency"),
    ("this headache has been building up since Monday", "urgent"),
    ("sore head this morning, I've had worse after these drips", "mild"),
    ("dolor de cabeza, pero he tenido peores", "mild"),
    ("chills no, just a bit tired", "mild"),
    ("fiebre no, solo cansancio", "mild"),
    ("my grandad died of a clot so I worry, but I feel grand", "ok"),
    ("mi abuela falleció de un infarto y me da miedo, pero yo estoy bien", "ok"),
    ("please stop the texts, my husband passed away last week", "unclear"),
    ("a few spots on my arm this morning, now they're everywhere", "urgent"),
    ("unas ronchitas ayer, hoy ya por todo el cuerpo", "urgent"),
    ("had a bad headache on Sunday but it went away Monday, fine since", "ok"),
    ("the achy feeling wore off after a day", "ok"),
    ("if one day I get chest pain should I call 911 or you?", "unclear"),
    ("si algún día me falta el aire, ¿a quién llamo?", "unclear"),
    ("can my daughter call you instead, she speaks better English", "unclear"),
]

# Round 10: a low oxygen reading from a home oximeter; a baseline temperature is no
# reading; yellow told of the patient, not of a healing bruise; "fitting" for a seizure;
# water not made; a headache the patient grades mild is not raised by the second reader
# (`test_second_reader`); figures of speech (heat stroke, breathless with laughter, chin to
# chest); a child seen to be well; a rulebook choice written without its parentheses.
OXIMETERS_BASELINES_AND_FITS = [
    ("short of breath, my oximeter says 88%", "emergency"),
    ("sats 90 on the finger thing, usually 97", "emergency"),
    ("me falta el aire, la saturación está en 89", "emergency"),
    ("oxygen 98% and feeling fine", "ok"),
    ("temp 38.4 tonight, my baseline usually runs around 36", "urgent"),
    ("tengo 38,2 y normalmente ando en 36,5", "urgent"),
    ("my husband says I look yellowish today", "urgent"),
    ("the bruise on my arm is going yellow and green, fine otherwise", "mild"),
    ("he's fitting again, second time today", "emergency"),
    ("I haven't made water since this morning", "urgent"),
    ("my uncle had heat stroke at the game, I'm fine", "ok"),
    ("nos quedamos sin aire de tanto reírnos, yo estoy bien", "ok"),
    ("can't touch my chin to my chest, neck so stiff, headache", "urgent"),
    ("had a temp yesterday but it's gone, she's playing normally", "ok"),
    ("la niña anda con sueño pero come bien", "mild"),
    ("estoy hecha pelota después de la infusión", "mild"),
    ("respira re mal desde la mañana", "emergency"),
]

# Round 11: an oxygen reading is the number its word names ("O2 99%, HR 72" holds no low
# saturation); a question where a sign starts; a sign denied beside one that is no finding
# ("not hot or swollen"); a parent told of by a writer who names themself the patient;
# a fear of clots worked up over; typos of headache; urine said to be clear.
READINGS_THRESHOLDS_AND_THE_PATIENT_NAMED = [
    ("O2 98%, pulse 80, all good", "ok"),
    ("saturación 97, presión 118/76, todo bien", "ok"),
    ("what counts as a fever for a child?", "unclear"),
    ("¿a partir de cuántos grados es fiebre?", "unclear"),
    ("arm sore where the drip was, not hot or swollen", "mild"),
    ("el brazo donde me pusieron el suero duele un poco, no está caliente ni hinchado", "mild"),
    ("my father is in hospital with a stroke, I'm the patient and I feel fine", "ok"),
    ("mi mamá está internada por un infarto, la paciente soy yo y estoy bien", "ok"),
    ("got myself worked up about clots, legs look normal, feeling fine", "ok"),
    ("bad hedache since lunch", "mild"),
    ("ankles were puffy but they went back down, all good", "ok"),
    ("me duele la cabeza, el pis clarito, tomo mucha agua", "mild"),
]

# Round 12: the end of the drip tells when, and resolves nothing; one limb told as fatter
# than the other; "battling to breathe"; very little urine in a superlative; over as
# lifted, settled, normal again, and back the next morning; a fit of temper, a film, an
# essay; everyday words the corrector had turned into symptoms.
DRIPS_FINISHED_LIMBS_AND_EVERYDAY_WORDS = [
    ("short of breath and wheezy since the infusion finished", "emergency"),
    ("my right calf is a lot bigger than the other one", "urgent"),
    ("battling to breathe since this morning", "emergency"),
    ("orino poquísimo desde ayer", "urgent"),
    ("the tiredness has lifted, back to work", "ok"),
    ("tummy settled after some toast, feeling fine", "ok"),
    ("ayer tuve fiebre pero ya está normal", "ok"),
    ("headache eased by lunch then back this morning", "mild"),
    ("dad had a fit when he saw the phone bill, I'm fine", "ok"),
    ("vimos una peli donde a una señora le daba un infarto, yo estoy bien", "ok"),
    ("this assignment is giving me a heart attack lol, feeling fine though", "ok"),
    ("burnt the cooking again lol, otherwise all good", "ok"),
    ("perdón por no contestar, estuve trabajando, me siento bien", "ok"),
    ("chest's been tight since last night", "emergency"),
    ("my angles are swollen, I mean ankles", "urgent"),
]

# Round 13 (CV to CY), by mechanism: a real word of the language is never "corrected"
# into a symptom (only into another form of itself); what "can't ... without" tells always
# happens; a correction ("not pain exactly, more like...") is no denial; sight lost told
# as "can't see a thing"; blood brought up by a cough; a band round the ribs and a pain
# that runs into the left arm; a done stroke check; an itchy patch on a limb is a rash;
# "over right there"; the writer who has nothing, beside a relative's illness.
WORDS_OF_THE_LANGUAGE_AND_WHAT_ALWAYS_COMES = [
    ("kept dozing on the sofa all afternoon, just tired", "mild"),
    ("was cooking dinner when I noticed I'm a bit achy", "mild"),
    ("my mom is confuse, keeps calling me by my sister's name", "emergency"),
    ("can't walk to the mailbox without wheezing", "emergency"),
    ("no puedo subir la escalera sin ahogarme", "emergency"),
    ("not a headache exactly, more like a tight squeeze across my chest", "emergency"),
    ("no es dolor exactamente, es como un apretón en el pecho", "emergency"),
    ("woke up and couldn't see a thing out of my right eye for a few minutes", "emergency"),
    ("there was blood in the tissue after I coughed", "emergency"),
    ("pressure like a belt around my ribcage since lunch", "emergency"),
    ("ache that runs up into my jaw when I walk", "emergency"),
    ("me da una punzada que se me corre al brazo izquierdo", "emergency"),
    ("did the stroke test from the leaflet on my dad, smile and arms are fine, he's good", "ok"),
    ("tiny itchy patch on my calf, nothing else", "mild"),
    ("me salió una manchita roja en el brazo que pica, nada más", "mild"),
    ("the dizziness from the drip day went away right there, fine since", "ok"),
    ("el mareo del día de la infusión se me quitó ahí mismo, hoy bien", "ok"),
    ("mi suegra está con gripe, pero no tengo nada", "ok"),
    ("he chucked up his lunch and then again at tea", "urgent"),
    # over by a time told after it, and a return to everyday life that is no relapse
    ("the achy feeling went away that night, back to work today", "ok"),
    ("el cansancio se me quitó esa misma tarde y hoy volví al trabajo", "ok"),
    ("el dolor de cabeza se fue pero volvió en la noche", "mild"),
]

# Rounds 14 and 15 (CZ to DG), by mechanism: a list told over together ("the stiff neck
# and headache are gone", "se me quitó el dolor de cabeza y la fiebre"); a death told
# with "passed" is someone else's and resolves nothing; sudden told as "all at once" or
# "in a split second", and a head that exploded across a comma; chin to chest that hurts;
# a fall told as "the next I'm on the floor"; a smile gone lopsided; light like needles.
LISTS_OVER_DEATHS_AND_SUDDEN_WORDS = [
    ("the fever and the stiff neck are both gone since this morning", "ok"),
    ("se me quitaron la fiebre y el dolor de cabeza, ya ando bien", "ok"),
    ("ya se le pasó la calentura y el dolor de cuerpo", "ok"),
    ("Mum is confused all of a sudden, keeps asking for Dad and he passed last year",
     "emergency"),
    ("my head just exploded with pain, all at once", "emergency"),
    ("la cabeza me explotó de golpe, nunca había sentido algo así", "emergency"),
    ("headache came on in a split second, worst I've ever had", "emergency"),
    ("headache and it hurts to put my chin down on my chest", "urgent"),
    ("one minute I was at the sink, the next I was on the floor", "emergency"),
    ("his smile's crooked since this morning", "emergency"),
    ("bad headache and sunlight feels like knives in my eyes", "urgent"),
    ("mi abuela ya no tiene sentido lo que dice desde hoy", "emergency"),
    ("se me ve la piel como medio amarillenta hoy", "urgent"),
    ("she passed out in the kitchen and came round after a minute", "emergency"),
    # colours and streaks told by what they look like; the news about a red flag
    ("pee looks like cranberry juice this morning", "urgent"),
    ("coughing and there are pink specks in the tissue", "emergency"),
    ("tosí y salieron unas rayitas rojas en el pañuelo", "emergency"),
    ("there was a report on the news about kidney failure, I'm fine though", "ok"),
    ("bad news is that about an hour ago my chest started feeling tight", "emergency"),
    # full strength in an instant; the patient's own usual temperature named before it
    ("my headache hit me all at once while I was lifting boxes", "emergency"),
    ("el dolor de cabeza me vino de golpe al agacharme", "emergency"),
    ("38.9 tonight, my normal is around 36.5", "urgent"),
    ("tengo 38.4, mi normal es 36.6", "urgent"),
    # "normal" said of how one feels, or a usual told before the reading of now, is no
    # usual of that reading
    ("feeling normal, temp 38.9", "urgent"),
    ("me siento normal, tengo 38.9", "urgent"),
    ("my normal is fine and today 38.9", "urgent"),
    ("the hand they used for the drip is a bit sore, that's all", "mild"),
]

CHECKLISTS_FAINTNESS_AND_LIFE_AGAIN = [
    # a checklist the patient runs down asks nobody; a short question of whether all is
    # well still does
    ("Headache? none. Legs? fine. Wee? loads and pale.", "ok"),
    ("¿Fiebre? nada. ¿Dolor de pecho? no. Todo bien", "ok"),
    ("Normal? my wee is pale", "unclear"),
    # everyday life back, not the symptom
    ("the tiredness wore off and she is eating again", "ok"),
    ("ya se le quitó la calentura y anda corriendo otra vez", "ok"),
    ("the headache went away but it's back again tonight", "mild"),
    # faintness felt each time the patient stands is dizziness on standing; a faint told
    # beside it is a faint
    ("I go faint every time I get out of bed, I lie back and it settles", "urgent"),
    ("felt faint when I got up and then I blacked out on the floor", "emergency"),
    ("siento que me desmayo cada vez que me levanto de la silla", "urgent"),
    ("my vision goes dark for a moment whenever I stand up", "urgent"),
    ("almost went over when I got up from the sofa", "urgent"),
    # normal legs and urine said in other words; a request for who to write to
    ("checked his legs this morning and they look normal", "ok"),
    ("las piernas se ven normales, ni rastro de hinchazón", "ok"),
    ("urine is straw coloured and plenty of it", "ok"),
    ("mejor escríbanme a mí, mi papá no lee los mensajes", "unclear"),
    ("my son will reply for me from now on", "unclear"),
    # blisters told by how they look; a stiff neck by what hurts
    ("the spots on her arm have little water filled bumps now", "urgent"),
    ("le salieron granitos con agua en la roncha", "urgent"),
    ("his neck hurts when he looks down and he has a headache", "urgent"),
    # a normal denied is no denial; drowning in work; worn out
    ("it's not my usual migraine, this one came on suddenly and it's the worst ever",
     "emergency"),
    ("no headache, no problems, just choking on emails at work", "ok"),
    ("Half dead after the week I've had, bit achy", "mild"),
    ("mi cuñada tuvo un coágulo el año pasado, yo solo tengo un poco de cansancio", "mild"),
    ("all I've got is a mild headache, my brother is the one with the clot", "mild"),
    ("ya se me pasó todo, gracias", "ok"),
    ("headache came back at lunch after being gone all morning", "mild"),
]


WEIGHTS_ON_THE_CHEST_HALF_THE_SIGHT_AND_LONG_GONE = [
    ("it feels like a dog is standing on my chest since this morning", "emergency"),
    ("all of a sudden my vision went blurry in both eyes", "emergency"),
    ("I keep bumping into things on my right, can't see the right side of the room", "emergency"),
    ("the bruise from the drip is going purple and yellow now, otherwise fine", "mild"),
    ("a slight headache and she naps a lot", "mild"),
    ("dolor de cabeza ligero y mucha hambre", "mild"),
    ("had a fever the first night but that's long gone, all good", "ok"),
    ("all good, the only thing that hurts is my pride after losing at cards", "ok"),
    ("back pain 0/10 today, feeling great", "ok"),
    ("the nausea went off by the evening, fine now", "ok"),
    ("zero side effects this round", "ok"),
    ("ningún síntoma hasta ahora, todo tranquilo", "ok"),
    ("me pica un poco el brazo, unas motitas rojas", "mild"),
    ("so weary I could sleep all day", "mild"),
]


BREATH_TOLD_BY_WHAT_STOPS_CORRECTIONS_AND_CONFIRMATIONS = [
    ("tengo que parar a cada rato para agarrar aire", "emergency"),
    ("I just can't fill my lungs up properly tonight", "emergency"),
    ("ya no tengo fiebre pero sigo sin poder respirar bien", "emergency"),
    ("my mum's confused out of nowhere", "emergency"),
    ("mi abuela está confundida de la nada, no sabe dónde está", "emergency"),
    ("estoy confundida de la hora de la cita", "unclear"),
    # a reading taken back: the other one counts
    ("sorry typo, temp is 38.6 not 36.8", "urgent"),
    ("perdón, es 38.4 no 36.4", "urgent"),
    # an instruction said back, then said to have come true
    ("you said to message if my leg swelled and it has", "urgent"),
    ("you said to message if my leg swelled, it hasn't, all good", "ok"),
    # said before the instruction, or going on to say all is well, it confirms nothing
    ("it has been a good week, you said to call if my leg swells", "ok"),
    ("you said to text if my headache got worse. It has been fine", "ok"),
    # never back is over; a near-faint on standing is faintness on standing
    ("the dizziness from yesterday never came back, feeling good", "ok"),
    ("la fiebre no ha volvido, todo bien", "ok"),
    ("nearly passed out getting up off the toilet, ok once I sat down", "urgent"),
    ("no dizziness unless I stand up, then the room goes dark for a second", "urgent"),
    ("haven't been to the bathroom since lunch yesterday", "urgent"),
    ("if any swelling starts I'll call, for now just tired", "mild"),
    ("arms feel heavy like after moving house, no swelling anywhere", "mild"),
    ("fresh as a daisy, thanks for checking", "ok"),
    ("amanecí con todas las pilas", "ok"),
    ("manden los mensajes a mi hijo mejor, yo no sé usar el teléfono", "unclear"),
]


# Round 21: a denial read only from the words a phrase matched (a choice of "nunca" in a
# phrase denies nothing of its own), the carer's and the clinician's words for speech,
# feeling and chest pain lost, what was over by today, and who only sees the symptom
CARERS_WORDS_WHAT_IS_OVER_AND_WHO_SEES = [
    # (a mild headache: the denial is of the degree since round 110, once read ok)
    ("no es el peor dolor de cabeza de mi vida, es uno leve", "mild"),
    ("es el peor dolor de cabeza de mi vida", "emergency"),
    ("de la nada mi mamá ya no puede hablar", "emergency"),
    ("la señora no puede ni hablar desde la siesta", "emergency"),
    ("no puedo hablar ahorita, estoy en el trabajo, todo bien", "ok"),
    ("can't talk right now, in a meeting, all good here", "ok"),
    ("residente con dolor torácico desde las 9", "emergency"),
    ("there's no feeling in his right hand since lunch", "emergency"),
    ("la pierna izquierda no tiene sensibilidad", "emergency"),
    ("her mouth is twisted and she's drooling", "emergency"),
    ("she feels faint every time she gets up from the sofa", "urgent"),
    ("se me va todo para un lado cuando me levanto", "urgent"),
    ("she doesn't know where she is and thinks it's 1980. totally normal last night", "emergency"),
    ("had a stroke in 2015, all fine now", "ok"),
    # over by today, or since
    ("a bit woozy on Monday, none today", "ok"),
    ("lightheaded after the drip, ok since I had lunch", "ok"),
    ("el lunes me mareaba, hoy ya no", "ok"),
    # plans against clots, remedies named after a fever
    ("walking every hour to keep clots away, all good", "ok"),
    ("tomo agua para evitar coágulos, me siento bien", "ok"),
    ("sipping fever grass tea tonight, otherwise fine", "ok"),
    # the one who sees is not the one who has it; a relative's symptom set against mine
    ("my eyes look a bit yellow to my husband", "urgent"),
    ("a mi prima le dio urticaria con eso pero a mí nada", "ok"),
    ("my buddy got a clot after surgery, but I just have a runny nose", "mild"),
    ("his confusion is only his usual dementia, nothing new", "ok"),
]


# Rounds 24 and 25: a past told by how long ago (not by "last night"), fears named, other
# words for the tongue, the calf and the IV site, the room going round, a finger's press,
# a few drops, weights told beside day numbers, a bomb in the head, and what is over
PAST_FEARS_ROOMS_AND_DROPS = [
    # a stroke last night is news; one years ago, with the patient well, is history
    ("my dad had a stroke last night i think, he's not making sense", "emergency"),
    ("had a small stroke years ago, nothing new, feeling good", "ok"),
    # a fear named is no sign felt
    ("my wife worries about strokes since her sister, but I just have a sore head", "mild"),
    ("my brother had a heart attack last year so I fret, for me it's just tiredness", "mild"),
    ("mi mamá tuvo un infarto hace años y me da miedo, pero yo solo tengo cansancio", "mild"),
    # other words for the tongue, the calf and the site of the drip
    ("my tung feels huge and thick", "emergency"),
    ("el gemelo izquierdo lo tengo rojo y caliente", "urgent"),
    ("the drip site on my hand is sore and black and blue", "mild"),
    ("can I take my regular thyroid pill today?", "unclear"),
    ("the bruise where the needle went in has healed", "ok"),
    # well, in other words
    ("my daughter is 100% today", "ok"),
    ("best I've felt all month", "ok"),
    ("día 5 y cero efectos, todo tranquilo", "ok"),
    ("nada que contar, ando como siempre", "ok"),
    ("they said to look out for confusion and chest pain, so far none, just tired", "mild"),
    # the room going round, the world tilting, legs like jelly on standing
    ("when I get up off the couch the whole room goes round", "urgent"),
    ("stood up and the floor tilted, had to grab the sink", "urgent"),
    ("every time she stands up her legs go like jelly", "urgent"),
    # a finger's press that stays; a few drops; a clinician's word
    ("if I push on my ankle with my thumb it leaves a dent for ages", "urgent"),
    ("keep going to the loo but only a few drops come out", "urgent"),
    ("diuresis escasa desde ayer en la residencia", "urgent"),
    # a headache that went off like a bomb is the headache, not its end
    ("headache all morning then it went off like a bomb, can't bend my neck", "urgent"),
    # what is over, what is not; a past month; a question and a list
    ("the aches and the chills are gone na, back to normal", "ok"),
    ("headache eased with paracetamol but it's still there", "mild"),
    ("that leg swelling last month was a sprain, all fine now", "ok"),
    ("flying on saturday, does that raise my clot risk? I feel fine", "unclear"),
    ("could you send the clot signs leaflet again?", "unclear"),
    ("can I have the list of stroke signs in big print", "unclear"),
    ("almost passed out from boredom in the chair lol, all good today", "ok"),
    ("my son has little red dots on his tummy, no fever, playing fine", "mild"),
]


# Round 26: what is over because it was told of another time ("last time ... this time
# only"), a word that will not come out right, a fall again ("otra vez" is again, "la otra
# vez" the other time), a clinician's and a texter's spellings, a headache nastier each day
ANOTHER_TIME_AND_WORDS_THAT_WONT_COME = [
    ("last infusion my face swelled up and I couldn't breathe, this time only a headache",
     "mild"),
    ("the first time I passed out in the chair. this time nothing at all, feeling great", "ok"),
    ("la vez pasada me dio dolor de pecho, esta vez nomás cansancio", "mild"),
    ("la primera vez vomité toda la noche, esta vez no", "ok"),
    ("normally I get a bad headache after, but not this time", "ok"),
    ("last time I got hives, this time my throat is closing up", "emergency"),
    ("la vez pasada tuve dolor de pecho y esta vez también", "emergency"),
    # the same again is no contrast
    ("last time my throat closed up, this time no different", "emergency"),
    ("last time I had chest pain, this time just the same", "emergency"),
    ("la vez pasada me faltó el aire, esta vez solo que peor", "emergency"),
    ("la vez pasada me dio dolor de pecho, esta vez no es diferente", "emergency"),
    ("tried to say fork and spoon came out, can't get the words right", "emergency"),
    ("he keeps fumbling his words since lunch", "emergency"),
    ("mi niño se desmayó otra vez en la escuela", "emergency"),
    ("me desmayé la otra vez, hoy todo bien", "ok"),
    ("i keep coffing and theres blood", "emergency"),
    ("sclera look yellow to me today", "urgent"),
    ("this headache is nastier every day", "urgent"),
    ("my aunt keeps sending me stories about strokes, I'm fine", "ok"),
    ("no symptom, back at work", "ok"),
    # weights told beside day numbers: the day numbers are no weights
    ("on the scale day 1 I was 70.2, now day 6 and it says 73.0", "urgent"),
    ("me pesé el día 2: 65 kilos, hoy día 7: 65.5", "unclear"),  # no gain: nothing read
    ("todo chilero por aquí", "ok"),
    ("no entiendo bien el inglés, ¿me pueden llamar en español?", "unclear"),
]


# Round 27: muddled about where one is (a confusion "about" something was set aside
# whatever it was), a head that exploded told apart from the word headache, a faint and a
# fit in Spanish words, breathless told by sentences and at rest, pain days behind one
MUDDLED_EXPLODED_AND_SENTENCES = [
    ("grandad is muddled about where he is this evening", "emergency"),
    ("she's confused what year it is", "emergency"),
    ("mi abuelo anda confundido, no sabe dónde está", "emergency"),
    ("a bit confused about the dose, can you call me?", "unclear"),
    ("I'm confused about the time of my appointment", "unclear"),
    ("head was ok this morning but an hour ago it exploded, 10/10, never had pain like it",
     "emergency"),
    ("mi esposo perdió el conocimiento en la cocina, ya volvió en sí", "emergency"),
    ("a mi hijo le dio un ataque hace rato", "emergency"),
    ("he can't get a full sentence out without stopping", "emergency"),
    ("she's puffing and panting just sitting in bed", "emergency"),
    ("my migraine days are long behind me, just a bit tired now", "mild"),
    ("the only thing giving me a heart attack is my electric bill, feeling great", "ok"),
    ("stood up and everything went grey for a second, had to sit", "urgent"),
    ("his lips went grey and he's gasping", "emergency"),
]

# Round 28: a temperature is no weight, and a weight no temperature; blood told before
# the cough; one eye gone dark; sight greying with no subject; the writer's own infusion
# sets a parent apart; fears told with "que"; like then, and now.
DEGREES_WEIGHTS_BLOOD_AND_MY_OWN_INFUSION = [
    ("temp 36.9 this morning. weight about the same, 71 kg. bit of a headache", "mild"),
    ("peso 80 kilos como siempre. 37,1 de temperatura, algo cansada", "mild"),
    ("weighed 101.4 this morning, same as Monday, feeling fine", "ok"),
    ("peso 100.5 hoy, igual que ayer, me siento bien", "ok"),
    ("weighed 150 on Monday, 156 this morning", "urgent"),
    ("there were red specks in the phlegm she coughed up", "emergency"),
    ("le sale sangre cuando tose, poquita pero sale", "emergency"),
    ("my right eye is ok but the left one has gone black since lunch", "emergency"),
    ("it was like a shade coming down over half of what I could see", "emergency"),
    ("goes dark for a few seconds every time I get up off the sofa", "urgent"),
    ("al pararme de la silla se me va la vista y me tengo que volver a sentar", "urgent"),
    ("my dad's in hospital after a heart attack, me personally I'm fine after my infusion",
     "ok"),
    ("I drove mum to her infusion and now she's confused, I'm fine", "emergency"),
    ("my dad's ankle is puffy again, I'm the patient and I'm fine", "ok"),
    ("tenía miedo que me diera un infarto pero la verdad estoy tranquila y bien", "ok"),
    ("aching legs same as after the last infusion, nothing worse", "mild"),
    ("mi suegro se pesa a diario por el corazón, yo estoy bien", "ok"),
]


# Round 29: "not be able to"; Caribbean "cyaan ketch"; lungs that do not fill; pink froth
# brought up; the worst ever told after a comma; "darker than normal" and "bien poquito"
# are no normal; clots feared or thought of; a stroke on the screen or someone else's;
# a past set against now ("compared to that this is nothing").
NOT_ABLE_PINK_FROTH_AND_SCREEN_STROKES = [
    ("is it normal to not be able to take a deep breath since lunch?", "emergency"),
    ("him cyaan ketch him breath when him walk to di gate", "emergency"),
    ("desde anoche no se me llenan los pulmones", "emergency"),
    ("brought up some pink foamy spit this morning", "emergency"),
    ("came on out of nowhere in the shower, easily the worst of my life", "emergency"),
    ("wee a lot darker than usual today, like tea", "urgent"),
    ("la nena hace pipí bien poquito desde ayer", "urgent"),
    ("I panic it's a clot whenever my legs ache, but both feel the same, just tired",
     "mild"),
    ("creí que era un trombo pero me duelen las dos piernas igual, como de gripe", "mild"),
    ("in the movie last night the grandad had a stroke and I cried, I'm fine though", "ok"),
    ("en la telenovela al señor le dio un infarto, yo estoy bien gracias", "ok"),
    ("headache, not like her stroke at all, just a dull one", "mild"),
    ("had covid last year and couldn't breathe for days, compared to that this is nothing, "
     "just tired", "mild"),
]


# Round 30: breath told by what it took to talk again; a faint told by what others saw;
# water "made" or "passed" by older people; words that come out wrong, told with a
# denial; the limb told by the drip that is not on it; strokes seen at work; a finger
# that slipped on the keys; "CP" beside a disability.
OUT_FOR_A_MINUTE_AND_WATER_NOT_MADE = [
    ("had to lean on the car for five minutes before I could say a word", "emergency"),
    ("my neighbour says I was out for a few seconds on the kitchen floor", "emergency"),
    ("Grandad hasn't passed water since teatime yesterday", "urgent"),
    ("la abuela casi no ha hecho pipí desde ayer, y toma su cafecito", "urgent"),
    ("the words aren't coming out right, I say cup and a different word comes out", "emergency"),
    ("the arm without the drip mark is puffy and red from the wrist up", "urgent"),
    ("three heart attacks came in on my shift, I'm a paramedic. me, I'm fine", "ok"),
    ("en urgencias atendimos dos derrames hoy, yo estoy perfecta", "ok"),
    ("perdón, quise decir 38,6 no 36,8, se me fue el dedo", "urgent"),
    ("my son (nonverbal, CP) is a bit achy, both legs the same", "mild"),
    ("pis color chicha morada desde anoche", "urgent"),
]


# Round 31 (thirteenth session): words typed without spaces; the usual told beside a
# reading ("normally it's pale yellow") is no sign it is over; a faint or a swelling like
# the one before is one now; a worse time before, or a worsening only supposed, is no
# worsening; another's stroke after their operation; "this time?" on its own; a history
# cue inside a contrast ("nothing like last time when ...").
RUN_TOGETHER_USUAL_AND_LIKE_LAST_TIME = [
    ("cantcatchmybreath since lunch", "emergency"),
    ("throatclosing help", "emergency"),
    ("nopuedorespirar bien desde anoche", "emergency"),
    ("imfine nosymptoms", "ok"),
    ("swam the breaststroke and the backstroke today, feel great", "ok"),
    ("pee is the colour of strong tea today, normally it's pale yellow", "urgent"),
    ("la orina me salió cafecita hoy, normalmente es clarita", "urgent"),
    ("fainted just like after my last infusion", "emergency"),
    ("me desmayé igual que la vez pasada", "emergency"),
    ("la otra vez me desmayé y ahora me desmayé otra vez", "emergency"),
    ("my feet are puffy like after the last drip", "urgent"),
    ("los tobillos hinchados desde la infusión", "urgent"),
    ("headache, ringing you if it gets worse", "mild"),
    ("dolor de cabeza, le aviso si empeora", "mild"),
    ("the headache was worse last night, settling now", "mild"),
    ("me duele menos la cabeza, anoche estaba peor", "mild"),
    ("the rash finish, the chills finish, I'm ok now", "ok"),
    ("if I lie flat it's like I'm drowning", "emergency"),
    ("spitting up phlegm with bright red specks in it since this morning, bit of a cough",
     "emergency"),
    ("my wife's got a temperature and the flu, I don't, just my usual tiredness", "mild"),
    ("a mi tía le dio un derrame después de su operación, por eso ando con miedo, yo solo cansada",
     "mild"),
    ("last time my lips swelled up and I got hives everywhere. This time? Just a headache", "mild"),
    ("la vez pasada tuve la orina roja, esta vez todo tranquilo", "ok"),
    ("had a DVT after my first infusion, both calves look identical now, just tired today", "mild"),
    ("nothing like the last infusion when my throat got tight, just a mild headache", "mild"),
    ("dolor de cabeza como la vez pasada, nada más", "mild"),
]


# Round 32 (thirteenth session): a list the patient fills in, answered no by topic, by a
# mark or by a colon ("fever: no"), a label's answer read with it ("Pee: brown like
# tea"); a list of signs denied in one breath ("none of those"); what is done to prevent
# a sign is not the sign.
LISTS_FILLED_IN_AND_SIGNS_DENIED_IN_ONE_BREATH = [
    ("1) swelling - no\n2) fever - no\n3) headache - a bit", "mild"),
    ("chest pain: none, breathing: fine, legs: no swelling, fever: no", "ok"),
    ("Temp: 38.4\nRash: no\nBreathing: ok", "urgent"),
    ("Pee: brown like tea\nHow much: not a lot", "urgent"),
    ("Fiebre ✗ Dolor de cabeza ✓ Ronchas ✗", "mild"),
    ("1. fiebre - no\n2. piernas - no\n3. cansancio - sí", "mild"),
    ("orina: oscura\npiernas: bien", "urgent"),
    ("in order: no, yes (wheezing since lunch), no", "emergency"),
    ("1) sí, me cuesta respirar 2) no 3) no", "emergency"),
    ("my leg is swollen, no", "urgent"),
    ("The nurse listed chest pain, a swollen leg and dark pee to watch out for. "
     "Had none of those, just tired",
     "mild"),
    ("me dijeron que vigilara falta de aire, dolor de pecho y la orina oscura. "
     "Nada de eso, solo cansancio",
     "mild"),
    ("my calf is swollen. nothing", "urgent"),
    ("drinking extra water to prevent kidney trouble like you said, bit of a headache", "mild"),
    ("camino cada hora para prevenir coágulos, solo cansada", "mild"),
    ("my aunt got a clot after a knee replacement, so I check my legs daily, all normal, "
     "a little achy",
     "mild"),
]


# Round 33 (thirteenth session): a sensation told by what it is not quite ("not pain,
# more like pressure"); "can't stand up without feeling like I'll black out"; what it is
# not ("not like I can't breathe"); a word taken back as soon as typed ("sorry I mean");
# what the patient thought they saw ("but it was the beets"); hay fever; the worst
# headache told after a comma in Spanish.
NOT_QUITE_TAKEN_BACK_AND_THOUGHT_SEEN = [
    ("it's not pain in my chest exactly, more like a heavy weight sitting there", "emergency"),
    ("no es dolor en el pecho, es más bien una presión", "emergency"),
    ("I can't get up off the sofa without feeling like I'm going to pass out", "urgent"),
    ("no puedo levantarme de la cama sin sentir que me voy a desmayar", "urgent"),
    ("it's not like I can't breathe, my nose is just blocked and I'm achy", "mild"),
    ("no es que no pueda respirar, es la nariz tapada nomás y me duele el cuerpo", "mild"),
    ("my throat is closing.. sorry I mean my throat is sore, autocorrect", "mild"),
    ("tengo dolor de pecho, digo, dolor de espalda por la silla del hospital", "mild"),
    ("my chest hurts, I mean it really really hurts", "emergency"),
    ("thought my wee was pink this morning but it was just the beetroot salad", "ok"),
    ("pensé que tenía los labios hinchados pero era el labial nuevo, todo bien", "ok"),
    ("I thought I had a temperature, it was 38.6 when I checked", "urgent"),
    ("sneezing with my hay fever, otherwise fine", "mild"),
    ("un dolor de cabeza de repente esta tarde, el peor que he tenido", "emergency"),
]


# Round 34 (thirteenth session): swelling told by size ("ankles huge"), a full-moon face;
# confusion told by what is seen ("muttering gibberish", "no me reconoce"); breath told by
# a straw or "cannot seem to catch"; "number one" not passed; urine "like hibiscus water";
# what is not a sign: dye from a slushie, a vomiting feeling, passing out asleep on the
# couch, a cool cloth.
SIZES_SEEN_CONFUSION_AND_DYES = [
    ("feet massive today, like balloons", "urgent"),
    ("los tobillos enormes desde ayer", "urgent"),
    ("he keeps muttering gibberish and looking straight through me, was fine an hour ago",
     "emergency"),
    ("mi papá no me reconoce desde que despertó de la siesta", "emergency"),
    ("feels like breathing through a straw since lunch", "emergency"),
    ("I cannot seem to catch my breath even sitting down", "emergency"),
    ("haven't been number one since breakfast and it's nearly dinner", "urgent"),
    ("her face is round like a full moon this morning, eyes puffy", "urgent"),
    ("el pis parece agua de jamaica desde anoche", "urgent"),
    ("purple tongue from the blue raspberry slushie lol, all good", "ok"),
    ("queasy, a vomiting feeling but not actually sick", "mild"),
    ("tengo sensación de vómito pero no he vomitado", "mild"),
    ("passed out in front of the telly at 8 and slept till 7, just tired", "mild"),
    ("resting with a wet cloth on my head for the headache", "mild"),
]


# Rounds 33 and 34 learned into the labelled set (thirteenth session): a short question
# answered yes or "mine is ..." carries its topic into the answer; a number told on after
# a score is on the same scale ("4 out of 10 yesterday, today 8").
ANSWERS_CARRY_THEIR_QUESTION = [
    ("chest? yes, tight and hurting since lunch", "emergency"),
    ("¿el pecho? sí, me aprieta desde anoche", "emergency"),
    ("what do you mean by dark pee? mine is like cola today", "urgent"),
    ("what counts as a swollen leg? mine is fine, just tired", "mild"),
    ("head 3/10 yesterday, today 9", "urgent"),
    ("la cabeza ayer 2 de 10, hoy 8", "urgent"),
]

# The fever line quoted back is no reading, and a reading an earlier infusion dates is
# not the latest; a high score in a headache's sentence is the headache's, however far.
LINES_QUOTED_AND_READINGS_DATED = [
    ("37.8 tonight, I read that below 38 is not a fever yet", "mild"),
    ("tengo 37,6; leí que a partir de 38 es fiebre", "mild"),
    ("temp 39 tonight; at my first infusion I only got to 37.5", "urgent"),
    ("headache was a 3 this morning, then 5 at lunch, now 9/10", "urgent"),
    ("me duele la cabeza desde temprano, estaba en 4, ahora en 8 de 10", "urgent"),
    ("headache mild, but my knee is 8/10 after the fall", "mild"),
]

# Words that end nothing (what cannot finish, a person who went down) and words that end
# it (over the same evening, sorted out, pale again, the rest well after a comma).
WHAT_ENDS_AND_WHAT_DOES_NOT = [
    ("pressure on my chest, can't finish", "emergency"),
    ("weak in the knees getting out of bed, near went down", "urgent"),
    ("cuando me levanté todo me dio vueltas y me tuve que sentar", "urgent"),
    ("I run out of air halfway up the stairs now", "emergency"),
    ("not writing about chest pain, just a dull headache", "mild"),
    ("rash faded the same evening, otherwise fine", "ok"),
    ("el moretón ya se quitó, por lo demás todo bien", "ok"),
    ("pee was dark on Sunday, been pale ever since", "ok"),
    ("ayer tuve el pis oscuro, hoy ya está clarito", "ok"),
    ("tuve ronchitas el lunes pero ya no tengo nada", "ok"),
    ("the stiff neck from the car seat has sorted itself out, all good", "ok"),
    ("se cayó el martes con fiebre, pero desde ayer está perfecta", "ok"),
    ("Mateo está bien, jugando y comiendo normal", "ok"),
]

# Red flags the rules left to the second reader (round 36 read by the rules alone): the
# chest told as a weight or with a hedge, blood told by its colour, one side that cannot
# be felt or will not obey, sight gone double, a fit told by what was seen or misheard,
# air between words, "no wee since". And guards: a new rule word is no longer a typo's
# target or a spelling's ("sever" is not "seven"; "sentences" still reads as "sentence"),
# and shaking all over with chills is no fit.
RED_FLAGS_THE_RULES_LEFT_TO_THE_SECOND_READER = [
    ("my chest has felt sort of tight since breakfast", "emergency"),
    ("a squeezing feeling in the middle of my chest", "emergency"),
    ("like theres a piano settin on my chest", "emergency"),
    ("dolor fuerte en el lado izquierdo del pecho", "emergency"),
    ("coughed and there was bright red on the napkin", "emergency"),
    ("I can't feel the left side of my face since lunch", "emergency"),
    ("everything's gone double", "emergency"),
    ("my right hand won't do what I tell it", "emergency"),
    ("no wee since this morning", "urgent"),
    ("el dolor de cabeza más fuerte de mi vida, llegó de golpe", "emergency"),
    ("the worst pain ever in my head, came on in seconds", "emergency"),
    ("she had a seasure and foam at her mouth", "emergency"),
    ("se cayó temblando toda, como un ataque", "emergency"),
    ("I have to stop for air between sentences", "emergency"),
    ("al ponerse de pie se tiene que volver a sentar", "urgent"),
    ("up three kilos since Monday", "urgent"),
    ("shaking all over with chills, 38.4", "urgent"),
    ("sever headache", "urgent"),
    ("unable to complete sentences", "emergency"),
]

# Round 37 read: a fall told as "did go down", who the patient takes the carer for, a
# near-fall told after the standing, a fever told over since a day, a headache that came
# like lightning. And a guard: out cold asleep is no faint.
TOLD_BY_WHAT_WAS_SEEN = [
    ("i actually did go down in the kitchen this morning", "emergency"),
    ("desde ayer me habla como si yo fuera su mamá", "emergency"),
    ("when she stand up she almost fall", "urgent"),
    ("tuve 38,4 el lunes pero desde el martes nada", "ok"),
    ("it came like lightning, worst pain in my life in my head", "emergency"),
    ("I was out cold by 9, slept great", "ok"),
]


# Round 38 (fifteenth session), by mechanism: a denial taken back as soon as typed counts
# (and a correction that tells another finding does not revive the first); a word of
# being well right after an end ends it; ends told plainly ("is away", "is finished",
# "hasn't happened again", a fever that "broke that night"); a stroke or a clot named in
# a figure of speech or in what was searched for; a single red spot is a rash; "hit by a
# truck" is aches; "harder to breathe" is breathing.
DENIALS_TAKEN_BACK_AND_ENDS_TOLD_PLAINLY = [
    ("no fever I think. scratch that, I do, just checked", "urgent"),
    ("no tengo hinchazón en los pies, digo, sí tengo", "urgent"),
    ("no trouble breathing. correction: yes, a little when I climb the stairs", "emergency"),
    ("no chest pain, I mean I have a bad headache", "mild"),
    ("dizzy at lunch, gone feelin ok now", "ok"),
    ("it's getting tougher to get air in", "emergency"),
    ("the chills are away now", "ok"),
    ("the tiredness is finished", "ok"),
    ("fever 38.9 monday, it broke that night", "ok"),
    ("fainted? no. felt wobbly once, hasn't happened again", "ok"),
    ("my sister nearly had a stroke when she saw the bill, I'm fine", "ok"),
    ("casi me da un derrame con el recibo de la luz, yo de salud impecable", "ok"),
    ("googled clots after my infusion and panicked, nothing else going on", "ok"),
    ("tiene un granito rojo en la pierna que le pica", "mild"),
    ("feel like I was run over by a bus today", "mild"),
    ("normalita todo, gracias", "ok"),
    ("un asquito en la mañana nomás", "mild"),
    ("my pee looks like espresso", "urgent"),
]


# Round 39 (fifteenth session), by mechanism: a percentage an oxygen word names a
# sentence away is a saturation; a symptom asked about and answered no, named again
# denied, is denied; ends told as "haven't come back", "ya no volvieron", "since Tuesday
# I've been feeling fine"; a reading an "earlier" word dates in its stretch is not the
# latest; the IV arm sore or purple is the IV site, swollen or hot a clot sign; a limb
# "el doble de gorda"; eyesight for the phone is no vision loss; "mareado del estómago"
# is nausea; the writer's own body told normal sets a neighbour's clot apart; a
# carer's "don't worry about me" makes the writer the patient; a sign set right by
# measuring.
READINGS_ASKED_AND_SET_RIGHT = [
    ("pulse oximeter on my index finger reads 88%", "emergency"),
    ("headache? no, no headache at all, just sleepy", "mild"),
    ("¿fiebre? no, nada de fiebre, solo cansancio", "mild"),
    ("rash came up at the clinic, haven't come back since, all good", "ok"),
    ("las ronchas del martes ya no volvieron", "ok"),
    ("had aches on Monday, since Tuesday I've been feeling fine", "ok"),
    ("38.2 ahora, anoche tenía 37.6", "urgent"),
    ("the arm they used is sore and puffy", "urgent"),
    ("el brazo de la vía está morado, nada más", "mild"),
    ("la pierna derecha está el doble de gorda", "urgent"),
    ("no leo bien el celular sin lentes, llámenme", "unclear"),
    ("ando mareado del estómago desde la mañana", "mild"),
    ("no ill effects at all", "ok"),
    ("my mate had a clot after his op, my legs are normal", "ok"),
    ("thought my ankles looked puffy but I measured them and they're the same as always",
     "ok"),
    ("Dad is in hospital with a clot in his leg, I feel fine, don't worry about me", "ok"),
    ("Mi papá está en el hospital con un coágulo en la pierna, yo bien, no se preocupen por mí",
     "ok"),
]


# Round 40 (fifteenth session), by mechanism: consciousness lost in any tense; a baby's
# wet diapers counted few; confusion told by a name of someone gone or an everyday thing
# no longer worked out; greying out at rest; the heat told as the heat; ends told as
# "ya están normales", "nothing since" (of a mild finding only: "nothing since" of pee
# is the red flag), in a second language ("go away already", "stop after the first
# day"), and undone by "come back"; what was read ("leyó lo de los coágulos"); a skill
# "not good" is no malaise; a denial over "red or swollen"; strength lost on one side.
COUNTED_CONFUSED_AND_OVER = [
    ("she lost consciousness twice today", "emergency"),
    ("only one wet nappy since breakfast", "urgent"),
    ("solo ha mojado dos pañales en todo el día", "urgent"),
    ("my dad keeps calling me by my late mum's name since this morning", "emergency"),
    ("grandad can't work out the tv remote he uses every day", "emergency"),
    ("I keep greying out even lying down", "emergency"),
    ("con el bochorno que hace me ahogo, pero respiro bien", "ok"),
    ("se me hincharon los pies el lunes, ya están normales", "ok"),
    ("threw up once after lunch but nothing since", "ok"),
    ("barely peed, a few drops at noon and nothing since", "urgent"),
    ("my bruise go away already", "ok"),
    ("the rash stop after the first day", "ok"),
    ("the headache was gone, come back a little today", "mild"),
    ("mi hija leyó lo de los coágulos y me revisó las piernas, todo normal", "ok"),
    ("feel like a wet rag today", "mild"),
    ("my english not good, please call", "unclear"),
    ("the IV spot is sore but not red or swollen", "mild"),
    ("no strength in my left arm since lunch", "emergency"),
    # a likeness is no one else, though the writer's feet are fine
    ("tight feeling in my chest, like someone is sitting on it, my feet are fine",
     "emergency"),
    ("odd feeling in my chest, like somebody is standing on it, my rings are fine",
     "emergency"),
    ("siento el pecho apretado, como si alguien me pisara, mis piernas están normales",
     "emergency"),
    ("una cosa rara en el pecho, como si alguien se me sentara encima, mis pies están bien",
     "emergency"),
    # a word of being well right after an end ends it; the writer's own body told normal
    ("the aches went away all fine", "ok"),
    ("my neighbour had a clot after her infusion, my legs are normal", "ok"),
]


# Round 41 read (sixteenth session): sentences of our own, one or more per mechanism. A
# child picked out by a cleft, or set against "Me," is not the writer; a rash told as
# spreading after it; a sign looked for on a body part named in the cue; an intensity
# word that grades a betterment; a blood pressure told in numbers; weights told as a
# series, and numbers that weigh something else; an end undone by "happened 4 times";
# what comes back up; a sight lost told as black; a clinician's faint; a peak flow fallen.
READINGS_SPREADS_AND_CLEFTS = [
    ("it's my son who has the cough and the fever, I'm fine", "ok"),
    ("es mi hijo el que tiene tos y fiebre, yo estoy bien", "ok"),
    ("my little girl has a temperature of 38.5. Me, I feel good", "ok"),
    ("my son has a temperature of 38.5, I'm fine", "urgent"),
    ("fue mi hijo el que mandó el mensaje, perdón", "unclear"),
    ("a few itchy bumps on my neck this morning. they're on my arms now too", "urgent"),
    ("unas ronchitas en el cuello, ahora en los brazos también", "urgent"),
    ("the rash that spread all over last time hasn't come back, just one itchy spot", "mild"),
    ("looked at my skin in the mirror for yellowing, nothing", "ok"),
    ("checked her eyes for yellow, they are yellow", "urgent"),
    ("the thermometer read 38.2 on the dot", "urgent"),
    ("headache today but so much better than after the last infusion", "mild"),
    ("bp machine says 75/45 and I feel weird", "emergency"),
    ("la tensión me dio 78 sobre 45", "emergency"),
    ("standing BP 86/50", "urgent"),
    ("bp 118/76, feeling fine", "ok"),
    ("weights this week 70.1, 70.4, 71.0 and 72.9 today", "urgent"),
    ("hand grip 30 kg today vs 26 last week, feeling well", "ok"),
    ("pulse 68, weight 80.5 kg, the same as Monday, all good", "ok"),
    ("got lightheaded standing up, it passed when I sat, but it's happened four times "
     "since lunch", "urgent"),
    ("me mareo al pararme, se me quita al sentarme pero ya me ha pasado tres veces hoy",
     "urgent"),
    ("can't eat, whatever I drink comes straight back up", "urgent"),
    ("thought my calf was bigger but when I measured it's the same as the other", "ok"),
    ("de pronto veo todo negro del ojo derecho", "emergency"),
    ("suddenly I see only black out of my right eye", "emergency"),
    ("syncopal episode at breakfast", "emergency"),
    ("near syncope when standing", "urgent"),
    ("peak flow has dropped to half my normal", "emergency"),
    # round 42 read: "the one" after a child; a writer with no symptom; a vomit in other
    # words; an end told in a second language; an intensity word of the next noun; a leg
    # asleep from sitting; a text taken back; the weather's degrees
    ("my son's the one with the temperature of 38.6, I'm fine", "ok"),
    ("mi hijo es el que tiene calentura de 38.6, yo bien", "ok"),
    ("mi esposo anda con fiebre de 38.7, yo ni un síntoma", "ok"),
    ("spewed three times since lunch", "urgent"),
    ("last night bit dizzy, this morning no more. all good", "ok"),
    ("dolor de cabeza y mucho cansancio, nada más", "mild"),
    ("se me durmió el pie de tanto estar sentada en el avión, ya estoy bien", "ok"),
    ("ignore my text about the swollen ankle, it was meant for my mum's nurse. I'm fine",
     "ok"),
    ("con este calor hay 41 grados afuera, estoy bien", "ok"),
    # round 43 read: breath told by the words between; sight gone "sort of" dark; the
    # day's pee told in millilitres, or "concentrada"; a nurse's "voided"; a chest
    # pressure there steady after it came and went; "bad bad"; a nurse's "niega"
    ("I can only say three words before I have to take a breath", "emergency"),
    ("the top half of my right eye went sort of dark", "emergency"),
    ("orinó solo unos 250 ml en todo el día", "urgent"),
    ("hoy la orina bien concentrada", "urgent"),
    ("pt voided once today, dark", "urgent"),
    ("the pressure in my chest came and went last night, but it's been there constant since "
     "5am", "emergency"),
    ("bad bad headache since last night", "urgent"),
    ("paciente niega fiebre, todo bien", "ok"),
    ("my head pain, it come like thunder, worse in my life", "emergency"),
    ("aide's note: resident voided x1 since breakfast, small amount", "urgent"),
    # the writer's clause goes on into one that names the treatment: not the child's
    ("my son has a fever of 38.6. Me, I feel fine, no trouble from the infusion", "ok"),
    # a temperature word near the number keeps it a reading, whatever the weather
    ("temp 38.9 in this heat", "urgent"),
]


# Round 44 (HP to HS), read after its first pass: a gain told as a difference, "he" typed
# as it sounds, an end told with what ended it, a feared faint, an earlier text set right,
# a pet walked. Our own sentences, none from the batch.
DIFFERENCES_ERRANDS_AND_TEXTS_SET_RIGHT = [
    ("la báscula marca 3 kilos y medio más que el domingo", "urgent"),
    ("weighed myself, 3 kilos more than last week", "urgent"),
    ("mi mamá tiene dos kilos de más desde el martes", "urgent"),
    ("1 kilo más que ayer, nada más", "unclear"),
    ("no e tenido fiebre ni nada", "ok"),
    ("tiene el brazo rojo e hinchado", "urgent"),
    ("me dolía la cabeza anoche pero ya se me quitó", "ok"),
    ("chest felt tight during the drip and it went away when they slowed it down", "ok"),
    ("tight chest every time I climb the stairs, goes away when I sit", "emergency"),
    ("I was worried I would pass out on the bus but I didn't, feel fine", "ok"),
    ("scared I'd faint and then I did, on the kitchen floor", "emergency"),
    ("I said my ankle was swollen earlier but it's just my shoe rubbing, all fine", "ok"),
    ("thought my pee was red but no, it was just the beetroot", "ok"),
    ("my arm is sore from the eye V", "mild"),
    ("chest tightness eased when I rested, came back walking the dog", "emergency"),
    ("my dog is being sick all over the carpet, I'm fine", "ok"),
    # a red flag denied where a milder reading stands is set aside, and the rest is read
    ("the headache is not the worst of my life, just the usual one", "mild"),
    ("headache, not the worst ever, but it is severe now", "urgent"),
    ("dolor de cabeza, no el peor de mi vida, pero es severo", "urgent"),
    ("bit of a headache, I'll ring you if it gets severe", "mild"),
    # round 45 (HT to HW), read after its first pass
    ("temp 100 6 this morning", "urgent"),
    ("temperatura 37 5 esta tarde", "mild"),
    ("her you're in looks like tea", "urgent"),
    ("resident's urine bag almost empty since lunch, what is there is dark", "urgent"),
    ("then out of the blue a sudden headache, like a door slammed in my skull, the worst "
     "pain of my life", "emergency"),
    ("my brother he fall down and no wake up for a minute, he have the infusion monday",
     "emergency"),
    ("fever go down yesterday", "ok"),
    ("my dad passed out at church (he's fine, he's not the patient), I feel great", "ok"),
    ("the shaky legs on standing from day one, that's settled now", "ok"),
    ("todo bien, sin dolor, sin problemas para orinar, nada", "ok"),
    # round 46 (HX to IA), read after its first pass
    ("haven't fainted in years, but had one an hour ago in the shower", "emergency"),
    ("no fever. had one beer last night", "ok"),
    ("hacía meses que no tenía convulsiones, pero ayer tuve una", "emergency"),
    ("Resident denies SOB, CP, leg pain, dysuria and hematuria. Obs stable.", "ok"),
    ("Niega disnea, dolor torácico, dolor en MMII y hematuria. Constantes estables.", "ok"),
    ("denies SOB or CP, reports calf pain and swelling on the left", "urgent"),
    ("when I get up the room goes black for a few seconds", "urgent"),
    ("el brazo derecho de mi mamá está mucho más gordo que el izquierdo", "urgent"),
    ("uop low since midnight despite fluids", "urgent"),
    # round 47 (IB to IE), read after its first pass (late in the session)
    ("MY WIFES MOUTH IS DROOPING ON ONE SIDE AND SHE CANT GET HER WORDS OUT. I CANT SEE "
     "THE KEYS WELL", "emergency"),
    ("when I get up from the chair I feel giddy and need to hold the table", "urgent"),
    ("a mi niña le aletean las narices y se queja en cada respiración", "emergency"),
]


# Round 48 (IF to II), read after its first pass: a rash's place is not a symptom of
# the chest (see test_triage_reading), urine "passed" a number of times is no end, the room
# spinning told after standing up, the writer named as the patient beside a sick child,
# another's fear told as a habit, a fright at the news told with the words for a faint.
SITES_SPINS_AND_COUNTS_PASSED = [
    ("stood up from the old kitchen chair and everything went grey", "urgent"),
    ("the room goes all spinny when I get out of bed", "urgent"),
    ("peeing very little, only 2 times passed since breakfast", "urgent"),
    ("hardly any urine, once passed in the night and that is all", "urgent"),
    ("my ihi is dark like cola since yesterday", "urgent"),
    ("my son has a fever of 39 from a cold. I'm the patient, I only have a mild "
     "headache", "mild"),
    ("mi hija tiene tos y fiebre, la paciente soy yo y solo estoy cansada", "mild"),
    ("my wife swears I'm having a heart attack whenever I cough lol, I'm fine, just "
     "tired", "mild"),
    ("vi en la tele que eso da trombos y casi me da el soponcio, pero estoy bien", "ok"),
    ("casi me da un telele", "urgent"),
    ("my stomach feels a little unsettled this morning", "mild"),
    ("feeling kinda puny today", "mild"),
    ("hoy ando flojita", "mild"),
    ("nada doctora todo normal en casa", "ok"),
    ("ya se le quitó la roncha del cuello", "ok"),
    ("all str8", "ok"),
    ("está flojo de piernas cuando se levanta", "urgent"),
    # guards: what must not change
    ("I passed out twice today", "emergency"),
    ("the dizziness passed, feeling good", "ok"),
    ("my husband thinks I'm having a heart attack, my chest is crushing", "emergency"),
    ("casi me da el patatús, todo me da vueltas", "urgent"),
    ("me salieron ronchas en el pecho", "urgent"),
    ("my daughter has chest pain and I'm worried about her", "emergency"),
]


# Round 49 (IJ to IM), read after its first pass: a person "gone" for years is no
# symptom gone, an earlier infusion told as "my first one", a relative who "gets IVIG too"
# is not tied to it, the IV site told at length, an arm sore with the needle told after it.
PASSED_WATER_GONE_YEARS_AND_THE_FIRST_ONE = [
    ("grandad hasn't been to the toilet to pee all night", "urgent"),
    ("he's been talking out of his head since lunch", "emergency"),
    ("tinkle's very dark since this morning", "urgent"),
    ("doesn't know what year it is and asks for her husband, he's been gone "
     "10 years", "emergency"),
    ("after my last one I had hives and chills, this time nothing at all", "ok"),
    ("my brother gets IVIG too and he gets awful headaches after his, I never do", "ok"),
    ("a mi hermana le dio un coágulo hace poco, solo me duele un poco la espalda", "mild"),
    ("se le puso morada la mano donde le pusieron el suero, no está hinchada", "mild"),
    ("his arm is sore and there's a bruise from the needle", "mild"),
    ("the IV spot on the back of my hand is tender", "mild"),
    ("had a headache yesterday, slept it off", "ok"),
    ("a bit tuckered out today", "mild"),
    ("all sweet", "ok"),
    ("the IV site is sore, no redness spreading or swelling", "mild"),
    # guards: what must not change
    ("ya no leo las letras chiquitas, estoy viejita", "unclear"),
    ("felt shivery tonight, no temp though", "mild"),
    ("the other one is fine but my right leg is swollen and hot", "urgent"),
    ("she has a 101.5 temp", "urgent"),
    ("de repente no ve nada del ojo derecho", "emergency"),
    ("my arm is swollen all the way up to the elbow where the IV was", "urgent"),
    ("my sister got IVIG and fainted, she's the patient, I'm fine", "emergency"),
]


# Round 50 (IN to IQ), read after its first pass: a denial taken back as it is typed
# ("no wait, actually", "miento"), a run-together word of five, a nurse's coma scale and
# urine output, tonic-clonic, "last week" dating another's chest pain, another's word set
# right.
DENIALS_TAKEN_BACK_SCALES_AND_LAST_WEEK = [
    ("no chest pain. no wait, actually, there's a tight feeling in the "
     "middle since lunch", "emergency"),
    ("no me falta el aire... bueno no, mentira, sí me cuesta un poco desde anoche", "emergency"),
    ("some tightness in my throat after lunch", "emergency"),
    ("GCS 13 this afternoon, down from 15 this morning", "emergency"),
    ("tuvo una crisis tónico clónica en casa hace 10 min", "emergency"),
    ("tonic clonic episode at 3am, lasted a minute", "emergency"),
    ("UO only 80 ml in the last 8 hours", "urgent"),
    ("woke up with a stiff next and a headache", "urgent"),
    ("sobadshortofbreath on the stairs", "emergency"),
    ("my mum had chest pain last week from a pulled muscle, she's fine. I'm just tired", "mild"),
    ("mi vecino tuvo un derrame el año pasado y me asusté, pero nada de eso", "ok"),
    ("my wife said my lips looked blue but it was the light in the kitchen, I feel fine", "ok"),
    # guards: what must not change
    ("no fever, I mean no chills either", "ok"),
    ("had chest pain last week and it's back today", "emergency"),
    ("my husband said my face is drooping on one side", "emergency"),
]


# Round 51 (IR to IU), read after its first pass: light that cannot be borne named by
# what gives it, not been for a wee, a relative's stroke "at my age", the leaflet's list
# answered "none of that", grief told as the heart.
LIGHT_BORNE_AND_NONE_OF_THAT = [
    ("not been for a pee at all since breakfast", "urgent"),
    ("bad headache and I can't bear the lamp on", "urgent"),
    ("headache, the light in here is too bright", "urgent"),
    ("my dad had a stroke at my age so I worry, no weakness, I'm just tired", "mild"),
    ("the leaflet says chest pain means call 911. I've got none of that, only a headache", "mild"),
    ("se le puso morado donde le pusieron la vía", "mild"),
    ("me duele el corazón por mi gato que murió el lunes, y tengo sueño", "mild"),
    # guards: what must not change
    ("chest pain, I can't bear it", "emergency"),
    ("my heart hurts and my left arm is numb", "emergency"),
    ("she had a stroke this morning", "emergency"),
]


FLOORS_SIBLINGS_AND_TIMES_TAKEN = [
    # a faint told by waking on a named floor, or the time lost
    ("came to on the bathroom floor, must have been out a while", "emergency"),
    ("found him and he didn't know how long he was out", "emergency"),
    # speech likened to a drunk's
    ("my wife says my speech sounds drunk but I've had nothing", "emergency"),
    ("he's talking like he's drunk and he doesn't drink", "emergency"),
    ("mi hija dice que no se me entiende nada", "emergency"),
    # urine told by the trips not made
    ("casi no ha ido a orinar en todo el día", "urgent"),
    # the resolution told before the return is the gap, not now
    ("the pressure in my chest is back tonight, it had gone by lunch", "emergency"),
    # a catheter's dark urine, a nurse's blisters, a face gone puffy
    ("cath bag draining dark brown since noon", "urgent"),
    ("bullous lesions on both forearms this am", "urgent"),
    ("tiny bumps on her back now, full of clear fluid", "urgent"),
    ("amaneció con la cara como abotagada", "urgent"),
    # a number after "at" is a time, not the pain scale told on
    ("headache 2/10, took tylenol at 9", "mild"),
    # where a child's temperature was taken
    ("she feels warm, 37.9 under her arm, playing fine", "mild"),
    # a sibling denied as the patient in so many words
    ("Mia (the patient) is fine. Her brother has a fever, he isn't on IVIG", "ok"),
    ("el hermanito tiene fiebre, él no es el paciente; la nena está bien", "ok"),
    # an oxygen reading is no weight
    ("sats 97, weight 150 this morning, feeling good", "ok"),
    # guards: what must not change (the first four read right before, too)
    ("volvió la falta de aire, se había quitado en la tarde", "emergency"),
    ("está calientita, 37.8 bajo el brazo, jugando", "mild"),
    ("le duele un poco el brazo donde le pusieron el suero", "mild"),
    ("saturación 96, peso 68 kilos, todo bien", "ok"),
    ("my son had his infusion and has a fever, his sister is not on IVIG", "urgent"),
    ("his calf is hot and swollen, 37.9 under his arm", "urgent"),
    ("brazo hinchado y caliente donde tenía el suero", "urgent"),
    ("weighed 150 Monday, 156 today", "urgent"),
    ("headache 3/10 at first, now 9/10", "urgent"),
]

SAID_UNTRUE_NEITHER_AND_WATCHED_FOR = [
    # a denial told as said before, then called untrue
    ("I said no trouble breathing on the phone. That wasn't true.", "emergency"),
    ("le dije a la doctora que no tenía fiebre, pero no es verdad", "urgent"),
    # the chest left unsaid in a likeness
    ("feels like an elephant is sitting on me since lunch", "emergency"),
    # a faint told by where the writer was next
    ("got lightheaded in the shower and next thing I was on the floor", "emergency"),
    # a list named and denied after a short lead-in
    ("the leaflet says chest pain or a swollen leg means call. Happy to say I have neither", "ok"),
    # watched for, asked about by another
    ("I'm watching for the dark pee you mentioned, nothing yet, just tired", "mild"),
    ("my wife keeps asking if my legs are swollen, they're not, I'm fine", "ok"),
    # a word taken back by denying it by name
    ("dizzy. sorry I mean sleepy, really sleepy, not dizzy", "mild"),
    ("mareada, digo, cansada, muy cansada, no mareada", "mild"),
    # this time only, in Spanish said short
    ("la vez pasada terminé en urgencias con la presión baja, esta vez na' más tengo "
     "dolor de cabeza", "mild"),
    # guards: what must not change (the first read right before, too)
    ("I told you no chest pain yesterday but that's not true, it's tight", "emergency"),
    ("I said no chest pain and that's the truth, just a headache", "mild"),
    ("chest pain and trouble breathing, neither getting better", "emergency"),
    ("been watching for swelling and my leg is swollen now", "urgent"),
    ("la vez pasada terminé en urgencias, esta vez igual, me falta el aire", "emergency"),
]

KIN_READINGS_AND_SPRINTS_AT_REST = [
    # breathless at rest, told by a likeness
    ("panting like I've done a sprint and I'm just lying in bed", "emergency"),
    # full strength in seconds
    ("my headache went from zero to the worst in seconds", "emergency"),
    # a confused parent found where she should not be
    ("the neighbour saw him wandering down the road in his pyjamas", "emergency"),
    # Caribbean English: a fit, and words that make no sense
    ("him a shake an jerk pon di bed", "emergency"),
    ("she nuh mek sense this morning", "emergency"),
    # the reading told by a temperature word further back
    ("the temperature of my daughter is 39", "urgent"),
    ("la temperatura de la niña es de treinta y ocho y medio", "urgent"),
    # voice-to-text of urine
    ("there is blood in my your in", "urgent"),
    # a kin of the patient's is not the patient
    ("her brother has had a fever since Sunday, she is fine", "ok"),
    ("su hermano tiene vómitos pero ella está bien", "ok"),
    # a number told after someone else's clause goes with it
    ("my other son has a temperature, 38.6", "ok"),
    # idioms and words that are no symptom
    ("I'm faint-hearted about needles, but I'm only a bit tired today", "mild"),
    ("my head is spinning with all the paperwork, slight headache", "mild"),
    ("nothing's swollen, just a few itchy spots", "mild"),
    ("the spot where the needle went has gone blue, sore to touch", "mild"),
    ("your form asked about fainting: I fainted once in 2015, nothing since, feeling well", "ok"),
    # guards: what must not change
    ("her husband says she is confused", "emergency"),
    ("her son called, she fainted", "emergency"),
    ("su hija dice que está muy confundida", "emergency"),
    ("lips have gone blue and I can't breathe", "emergency"),
    ("temperature fine, my son is 39 today", "ok"),
]

GONE_OUT_SWIMMY_AND_WATER_MADE = [
    # a faint told by the memory lost or going out
    ("I don't remember going down, my husband found me", "emergency"),
    ("she went out altogether in the kitchen for a minute", "emergency"),
    # old words: swimmy, making water
    ("swimmy headed every time I stand up", "urgent"),
    ("when I passed water it was red like cola", "urgent"),
    ("la chichí le sale roja", "urgent"),
    # a neck that cannot bend
    ("headache and I can't touch my chin to my chest", "urgent"),
    # a headache that won't quit, blisters that broke
    ("bad headache that won't quit and is getting worse", "urgent"),
    ("blisters on her arms, some have broke", "urgent"),
    # a letter dropped
    ("barly peed since yesterday", "urgent"),
    # the worst told before how it came; a reading "on the dot"
    ("my head hurts, the worst I've had, came on all at once", "emergency"),
    ("38 on the dot, is that ok?", "urgent"),
    # guards: what must not change
    ("my fever broke last night, feeling better", "ok"),
    ("the lights went out altogether in the storm, all fine here", "ok"),
    ("worst day ever at work, came home all at once tired", "mild"),
    ("no tengo dolor, la orina normal", "ok"),
]

THOUGHT_SWOLLEN_LEAFLET_LISTS_AND_SAME_QUESTIONS = [
    # a headache never had before; a weight told as a heavy thing on the chest
    ("never had a headache like this one before in my life", "emergency"),
    ("nunca había tenido un dolor de cabeza así", "emergency"),
    ("like a piano landed on my chest", "emergency"),
    # the same question again and again; not knowing the house
    ("grandma keeps asking the same question every few minutes", "emergency"),
    ("mi papá repite la misma pregunta una y otra vez", "emergency"),
    ("mi abuela no sabe en qué casa vive", "emergency"),
    # sight gone dark on standing; nearly falling, as said in the South
    ("al pararme se me pone todo oscuro", "urgent"),
    ("he liked to fell over getting up from his chair", "urgent"),
    # urine as said, the colour after the toilet; a throat closing told after it
    ("no he meado desde ayer", "urgent"),
    ("went to the toilet and it was tea coloured", "urgent"),
    ("le pica la garganta y dice que se le está cerrando", "emergency"),
    # a denial of before, told again now
    ("no chest pain earlier but now it is crushing", "emergency"),
    # a swelling thought seen, set right
    ("thought my ankles were puffy but it was just the sock marks", "ok"),
    ("I thought my calf was swollen but they look the same as always", "ok"),
    ("creí que tenía el pie hinchado pero es igual que el otro", "ok"),
    ("pensé que tenía la pierna hinchada, pero mi esposo me la midió y están iguales", "ok"),
    # what the leaflet or the news lists
    ("the leaflet scared me with all the clot and stroke talk but I feel fine", "ok"),
    ("I read the handout and it lists chest pain, clots, stroke... I'm fine though", "ok"),
    ("vi en el noticiero lo de un señor con embolia, yo estoy bien", "ok"),
    ("el prospecto dice trombosis y derrame, pero yo estoy bien", "ok"),
    # a bruise grown, a site gone blue; a joke of a heart attack
    ("the bruise from the drip is bigger today but the arm is not swollen", "mild"),
    ("the drip site is tender and gone a bit blue", "mild"),
    ("mi suegra me va a matar de un infarto con tanto mensaje, yo bien", "ok"),
    # another's past, the writer's nothing; the writer who had the infusion
    ("my brother had chest pain with his last year, I've had nothing at all", "ok"),
    ("mi hija tiene 39 de fiebre, pero yo, que soy la que recibió el tratamiento, "
     "solo tengo sueño", "mild"),
    # what is fine after a denial; an old reaction, none of it this time
    ("no numbness, face is fine, arms fine", "ok"),
    ("Absolutely fine. Two years ago I got hives and my lips swelled, but none of that "
     "this time", "ok"),
    # spreading told after a "but", the marks named before it
    ("unas ronchitas en el cuello pero ya se están regando por la espalda", "urgent"),
    ("a couple of hives on my neck but they're spreading down my back", "urgent"),
    # guards: what must not change
    ("I'm worried my leg is swollen, it looks bigger than the other", "urgent"),
    ("no me dolía el pecho, pero ahora tengo la pierna hinchada", "urgent"),
    ("his lips went blue", "emergency"),
    ("I aint peed hardly at all since yesterday", "urgent"),
    ("watched a show about strokes and now my face is drooping", "emergency"),
]

DARK_IN_THE_BATH_FILLERS_AND_NOT_GOING = [
    # a faint told as going dark and waking somewhere
    ("I went dark for a moment and woke up slumped in the bath", "emergency"),
    ("everything fine but she went black for a second and came to on the bathroom floor",
     "emergency"),
    # lips told by the cosmetic look; yellow told as a bit
    ("my lips look like I had fillers done, breathing fine", "urgent"),
    ("im a little yellow i think, is that normal?", "urgent"),
    # a life long past acted on; nothing in the pad since
    ("dad keeps trying to leave for work, he retired years ago", "emergency"),
    ("nothing in her pad since this morning", "urgent"),
    ("he's drinking fine, just not going at all", "urgent"),
    # Spanish everyday words: a stomach upset, sleep and a heavy body, maluco
    ("ando descompuesto del estómago desde ayer", "mild"),
    ("mucho sueño y el cuerpo pesado", "mild"),
    ("amanecí maluca", "mild"),
    # a fever that broke; a headache graded not strong
    ("had a temp of 38.4 on Monday but it broke the next day, fine since", "ok"),
    ("la fiebre se quitó el lunes, nada desde entonces", "ok"),
    # over, in the words that tell it is well: "ya se me pasó todo"
    ("estuve mal el lunes pero ya se me pasó todo", "ok"),
    # guards: what must not change
    ("pee is a nice light yellow, all good", "ok"),
    ("my left eye went dark for a few minutes", "emergency"),
    ("blisters on both legs and some have broke", "urgent"),
    ("anoche tuve un sueño feo pero estoy bien", "ok"),
]

HOTELS_AT_HOME_AND_MINUTES_GONE_BY = [
    # at home, thinking it a hotel; the faint told after the feeling of it
    ("Dad thinks we're in a hotel and keeps asking what hotel this is, we're at home",
     "emergency"),
    ("mi mamá pregunta en qué hotel estamos, y estamos en su casa", "emergency"),
    ("I felt like I was about to faint and then I did, out for a few seconds", "emergency"),
    ("my son caught her before she hit the ground", "emergency"),
    # out of breath, with the minutes gone by; a sentence not finished
    ("me falta el aire, ya pasaron 20 minutos y no se me quita", "emergency"),
    ("no puedo terminar una frase sin pararme a respirar", "emergency"),
    # light told right after the head
    ("me duele la cabeza, me molesta mucho la luz", "urgent"),
    # legs that will not hold on standing
    ("al levantarme las piernas no me sostienen y me tengo que sentar", "urgent"),
    # a talk attended, a bill seen; a denial before a comma
    ("went to a stroke awareness class today, I'm fine", "ok"),
    ("casi me desmayo cuando vi lo que cuesta la gasolina, pero estoy bien", "ok"),
    ("ayer tenía náuseas pero hoy ya no, estoy bien", "ok"),
    # a clinician's words
    ("mialgias y astenia, sin fiebre", "mild"),
    # guards: what must not change
    ("ya pasó el dolor de cabeza", "ok"),
    ("her arm went weak all of a sudden, she can't lift it", "emergency"),
    ("no estoy bien, me duele todo", "mild"),
]

BRICKS_ON_TOP_PUFFED_AND_DISNAE = [
    # a pressure told as a heavy thing on top, after denying pain
    ("dolor no, pero siento una presión como si tuviera una piedra encima", "emergency"),
    # "puffed" as out of breath
    ("I get puffed just climbing the three steps to the porch now", "emergency"),
    # a fright at a price is no faint; Scots "disnae"
    ("casi me da un soponcio cuando vi la cuenta del hospital, pero estoy bien", "ok"),
    ("a bit tired, the rain disnae help", "mild"),
    # a denial said before, taken back as "pero sí tengo" alone in its stretch
    ("le dije a la enfermera que no tenía dolor de pecho, pero sí tengo, me aprieta",
     "emergency"),
    ("le dije que no tenía fiebre, pero sí tengo un poco de tos", "mild"),
    # guards: what must not change
    ("her lips are all puffed up", "urgent"),
    ("I'm knackered and feel a bit fluey", "mild"),
]

ASIDES_ALL_GONE_AND_PRICES = [
    # a bracketed aside that says who is not the patient: what follows it goes on with
    # the one it broke
    ("my daughter (she is not the patient) has a temp of 39.2 from a cold, I only have a "
     "bit of a headache", "mild"),
    ("mi esposo (él no es el paciente) tiene fiebre de 39, yo solo ando cansada", "mild"),
    ("the cat (not me lol) threw up twice, I'm fine", "ok"),
    # guards: an aside that says nothing of that kind changes nothing
    ("my son (he's 9) has a fever of 39 since last night", "urgent"),
    # "all" or "todo" with a resolution cue takes in every mild one before it
    ("had aches and a headache on Monday but it's all gone now", "ok"),
    ("tuve escalofríos y dolor de cabeza, pero ya se me quitó todo", "ok"),
    # guard: "del todo" says wholly, of the last one only
    ("me duele la cabeza y ando cansada, el mareo se me quitó del todo", "mild"),
    # a time long past set against now by a clause that starts "just" / "solo"
    ("my brother had a heart attack back in 2019 so I worry, but really just tired today",
     "mild"),
    ("mi papá tuvo una embolia en 2012, por eso me preocupo, pero solo tengo sueño", "mild"),
    # guard: "just" said before any time long past sets nothing against it
    ("just so you know, last week I passed out in the shower", "emergency"),
    ("Just checking in to say I'm good. Last time I had a horrible headache for two days, "
     "this time nothing at all", "ok"),
    # the room tipping sideways on standing; a price that nearly made one faint
    ("when i get out of bed the room goes sideways for a bit", "urgent"),
    ("that parking fee nearly made me pass out lol, otherwise just tired", "mild"),
    # another's reaction foretold; a leaflet's warning read, not felt
    ("my mum will have a fit if she finds out I skipped lunch, anyway just achy", "mild"),
    ("read the chest pain section on the leaflet twice, feel totally fine though", "ok"),
    # words that come out wrong, told in Spanish
    ("no puede decir lo que quiere, le salen otras palabras desde la mañana", "emergency"),
    # the only symptom named sets what was watched apart
    ("saw a show where a lady had a stroke. the only symptom I have is a mild headache",
     "mild"),
    ("estoy medio nauseoso pero nada más", "mild"),
    # round 63: a Malay word for a faint; the throat spelled by ear
    ("wah I pengsan in the kopitiam this morning, my friend caught me", "emergency"),
    ("throte feels swolen and hard to swallow", "emergency"),
    # figures of speech: work that wants to give one a heart attack, the heat
    ("this job really want to give me heart attack, but only tired today", "mild"),
    ("qué bochorno, me asfixio del calor, pero fuera de eso bien", "ok"),
    # a fear told in other words beside someone else's stroke; the news
    ("mi tío está internado por un derrame, por eso ando angustiada, yo estoy bien", "ok"),
    ("vi en el noticiero lo del derrame de un cantante, yo solo con sueño", "mild"),
    # over, and said so with a thumb or after the first day
    ("la comezón se me quitó 👍", "ok"),
    ("the chills stopped after the first night, all good", "ok"),
]

PAST_BETWEEN_REDUCERS_AND_YO_CON = [
    # a time long past told between a finding and "it passed": the past episode is over,
    # not the finding told first
    ("my chest has felt tight for an hour. had the same in 2019 and it passed", "emergency"),
    ("head hurts a lot since lunch, I had this last year and it went away", "urgent"),
    ("had a rash after my first infusion back in 2022 and it cleared, nothing this time", "ok"),
    # a fever brought down by a medicine named after it is still a fever (no medicine:
    # the latest reading counts)
    ("Temp 38.4 at 7am, 37.6 now after paracetamol", "urgent"),
    ("38.6 last night, gave him calpol, 37.2 this morning", "urgent"),
    ("38.3 last night, 36.9 this morning, feeling ok", "ok"),
    # a word between "I'm" and "normal" that is what is normal: no being well
    ("hardly peed today, twice since breakfast and I'm eating normal", "urgent"),
    ("since Monday I've been feeling pretty good", "ok"),
    # someone of daily life named as the cause: a figure of speech
    ("All good here. Only thing giving me palpitations is my electric bill", "ok"),
    ("Feeling great, the only pain I have is the grandkids lol", "ok"),
    # "yo con" and a state sets the writer against a relative, not a child, not "con ella"
    ("Mi cuñado está en el hospital con un infarto. Yo con un poco de sueño nomás", "mild"),
    ("Mi hija tuvo una convulsión, yo con ella en urgencias", "emergency"),
    # words the rules lacked
    ("my right arm isn't strong since this morning", "emergency"),
    ("her mouth is turning to one side", "emergency"),
    ("my brother has a fever but he didn't get the IVIG, I'm fine", "ok"),
    ("Mi polola tiene fiebre, yo estoy bien", "ok"),
    ("breathing is not easy when I climb the stairs", "emergency"),
    ("my feet have blown up like balloons", "urgent"),
    ("headache and the sunlight is hurting my eyes", "urgent"),
    ("me duele mucho la cabeza y no aguanto", "urgent"),
    ("I'm a bit bilious today", "mild"),
    ("tem 38.5", "urgent"),
    # nothing to see on the skin is no sight lost
    ("me pica un poco la piel, no veo nada", "mild"),
]

INSTEAD_YOLK_AND_ECHOES = [
    # an emergency denied by one word and told by another: the word is corrected, not
    # the finding
    ("no chest pain but some pressure", "emergency"),
    ("no chest pain. well. theres a tightness when i lie flat but i wouldnt call it pain",
     "emergency"),
    ("no tengo dolor de pecho... bueno, una presión aquí en el medio que va y viene",
     "emergency"),
    ("no me duele el pecho pero siento presión", "emergency"),
    # denied too, placed elsewhere, or a reading: still denied
    ("no chest pain, no pressure, just tired", "mild"),
    ("no chest pain. my blood pressure was 120/80 this morning", "ok"),
    ("no tengo dolor de pecho, tengo la presión un poco alta como siempre", "ok"),
    ("no chest pain, just pressure in my sinuses and a bit of a headache", "mild"),
    # yellow told by a likeness; the head alone getting worse; a faint as what came next
    ("the whites of my eyes look like egg yolk lol is that normal?", "urgent"),
    ("tiene los ojos color yema de huevo", "urgent"),
    ("my heads been getting steadily worse all day and paracetamol isnt touching it",
     "urgent"),
    ("went to stand up from the toilet and next thing im on the floor", "emergency"),
    # the IV site aching is the site's; a question echoed and answered with a laugh; the
    # service's own question said back
    ("bit of a headache and my arm aches where they put the line in", "mild"),
    ("fainted? no lol. just tired", "mild"),
    ("your last text asked about fainting, none of that here", "ok"),
    # the chest, breathing and urine told as fine
    ("el pecho tranquilo, la respiración normalita, y orinando cada rato de tanta agua",
     "ok"),
    # round 68: a medicine's relief that ended is no resolution of the symptom
    ("headache came back when the tylenol wore off", "mild"),
    ("no puedo retener nada de líquido, todo lo vomito, ya se me pasó el efecto", "urgent"),
    ("the headache wore off by lunch, feeling fine", "ok"),
    # a denial after the finding's object; Scots denials and "cannae"
    ("headache yes, vomiting no, light bothering me no, temp no", "mild"),
    ("feelin a wee bit sick on and off but i havenae actually been sick", "mild"),
    ("i cannae breathe right", "emergency"),
    # other senses of a stroke, a passing out, breath taken away
    ("did 20 lengths breast stroke this morning, feel great", "ok"),
    ("a stroke of bad luck this week, car broke down, me just a bit of a headache", "mild"),
    ("went to our kid's passing out parade today, no side effects whatsoever", "ok"),
    ("me he quedao sin aliento con er golazo der Betis, por lo demás to bien", "ok"),
    ("la respiración difícil desde anoche", "emergency"),
    # the noun after breathing, denied in a list with a word that is no finding
    ("fever nil, headache nil, rash nil, breathing problem yes", "emergency"),
    ("a few hives on my arm, itchy. No throat or breathing problems.", "mild"),
    # round 69: a denial taken back three sentences on; "bueno, sí"
    ("No chest pain. well. not pain exactly. more like a squeezing when I walk uphill",
     "emergency"),
    ("fiebre no tengo... bueno, sí tengo, desde anoche", "urgent"),
    ("Hinchazón no tengo... bueno, los tobillos sí, se me marcan los calcetines", "urgent"),
    ("no tengo fiebre, bueno, la tuve ayer pero ya no", "ok"),
    # a faint told as going down like a sack; breath cut short; the face, not the site
    ("Nan went down in the kitchen like a sack of spuds, she's fine now", "emergency"),
    ("my son came round after a bit to help with dinner, I'm fine", "ok"),
    ("se me corta el aire al caminar", "emergency"),
    ("face puffed up after the infusion, kinda flushed, no breathing issues", "urgent"),
    # a river swollen; a sight problem of one's own illness, unchanged
    ("the brook out back is some swollen after all that rain, me I'm grand", "ok"),
    ("tired. double vision no different to usual", "mild"),
    ("la visión doble es la de siempre, lo nuevo es un dolorcito de cabeza", "mild"),
    ("sudden double vision since lunch", "emergency"),
]

NORMALS_TURNED_AIR_AND_SIDES = [
    # a normal told, then told as worse after it, or called untrue: the normal is
    # taken back
    ("my breathing was ok this morning but its getting worse now", "emergency"),
    ("breathing fine earlier. now its worse", "emergency"),
    ("breathing fine, headache getting worse", "urgent"),
    ("breathing fine, not worse, just tired", "mild"),
    ("told the nurse no chest pain yesterday. honestly all good", "ok"),
    # stopping on the way for air; unresponsive for a time; a side abbreviated
    ("have to stop on the landing to get some air, never used to", "emergency"),
    ("dad fell and wouldnt respond for about a minute, says hes ok now", "emergency"),
    ("no siento la mano izq ni el pie izq desde hace rato", "emergency"),
    ("mi hijo tose sangre", "emergency"),
    ("nappies barely damp since breakfast", "urgent"),
    # figures of speech and everyday senses
    ("breathless with excitement, my daughter got engaged! slight headache", "mild"),
    ("these grandkids are driving me to a stroke haha, all good otherwise", "ok"),
    ("estoy en la junta no puedo hablar, tengo dolor de cabeza leve", "mild"),
    ("náuseas como mareo de barco, nada más", "mild"),
    ("feels like a cold minus the fever, runny nose", "mild"),
    ("all gd, no sx", "ok"),
]


FIRST_TIMES_PLURALS_AND_TIPPING_OVER = [
    # "first time" said alone is news, and a likeness to the first time is not history
    ("blood in my pee, first time ever. feel ok otherwise", "urgent"),
    ("my lips puffed up like after the first time, breathing ok", "urgent"),
    ("the first time i had the infusion my lips swelled, this time fine", "ok"),
    # a plural verb that agrees with its own plural subject takes nothing else back
    ("la orina me salió oscura como té, los dolores ya se fueron", "urgent"),
    ("el dolor de cabeza y la fiebre ya se fueron", "ok"),
    # on standing; now, set against a past; a resolution said of a bare "itchiness"
    ("like im going to topple over when i get up", "urgent"),
    ("clot in my leg back in 2018. right now just tired", "mild"),
    ("eyelids puffy this morning, the itchiness is gone", "urgent"),
    # what was watched, an appointment's name, a good mood, everything over
    ("saw a stroke awareness video, scary. me just a headache", "mild"),
    ("el abuelo anda de buen humor hoy", "ok"),
    ("everything from last week is over now", "ok"),
    ("anda con flojera, nomas quiere dormir", "mild"),
    ("el mareo al pararme ya no me da", "ok"),
]


STANDING_UP_AGAIN_USUALS_AND_OTHERS = [
    # someone else's, told beside the writer's own state: a reading after a comma, a
    # pet's mess on the writer's things, "a ella le dio", a calm "yo tranquila", the
    # writer's own legs told normal right after the writer's clause
    ("my wife has a temp of 38.9 and keeps being sick but i just feel a bit sore", "mild"),
    ("my son has the flu, temp 39.4, me I'm totally fine", "ok"),
    ("my aunt had a clot after her knee op so im checking mine, both calves look normal", "ok"),
    ("the dog was sick on my carpet all night so im wiped out, bit achy", "mild"),
    ("mi prima dice que a ella le dio un coágulo con esto, yo solo tengo cansancio", "mild"),
    ("mi hermana se desmayó en la boda jaja, yo tranquila, nomas con sueño", "mild"),
    ("i'm asthmatic and this is way worse than normal, so wheezy", "emergency"),
    # a near-faint that then happened; each breath an effort; a denial taken back
    ("nearly fainted at the shops and then actually did by the tills", "emergency"),
    ("almost passed out, then did the washing up and sat down", "urgent"),
    ("not short of breath exactly, i just have to work at every breath sitting here",
     "emergency"),
    ("tuve que detenerme dos veces a respirar subiendo a mi cuarto", "emergency"),
    ("dolor de pecho no tengo... bueno, un poquito", "emergency"),
    ("no headache... well, a little one", "mild"),
    ("chest pain, well not pain really, more of a squeeze", "emergency"),
    # over each time but again and again; a past set against now with a thanks between
    ("gets dizzy when she stands, it passes, but it happens every time", "urgent"),
    ("el mareo se me quita, pero me pasa cada vez que me levanto", "urgent"),
    ("hace tres años no podía respirar con la primera infusión. ahora, gracias a Dios, "
     "solo cansancio", "mild"),
    ("back in 2019 I had a clot in my leg. Now, thankfully, just tired", "mild"),
    # questions of what a sign is like, or how to tell signs apart; figures of speech
    ("what would a stroke look like? face droop? I've had nothing like that, just curious",
     "unclear"),
    ("how do I tell a clot apart from a pulled muscle? asking for next time", "unclear"),
    ("never better, that concert took my breath away", "ok"),
    ("te lo agradezco de todo corazón, estoy muy bien", "ok"),
    # over: settled with its day, passed a while ago, finished; a usual told as such
    ("the queasiness from the first day settled, eating fine", "ok"),
    ("el mareo de la infusión ya pasó hace rato, estoy bien", "ok"),
    ("the hives from monday have finished, all good", "ok"),
    ("no side affects at all", "ok"),
    ("COPD here, my breathing is the same as usual, just tired", "mild"),
    ("tengo EPOC, saturo 91 que es lo normal para mí, solo cansancio", "mild"),
    ("sats 88 now, my normal is 95", "emergency"),
    ("tomo pastillas para la presión, solo me duele un poco la cabeza", "mild"),
    # sight dimmed in one eye of a sudden; a team "having a stroke"; "al borde del
    # infarto"; run over by a truck; vomiting that stopped; nothing bad
    ("all of a sudden my left eye went dim and it's still like that", "emergency"),
    ("de la nada se me nubló la vista de un ojo", "emergency"),
    ("our goalie is having a stroke tonight lol, me all good", "ok"),
    ("los niños me tienen al borde del infarto jaja, yo bien", "ok"),
    ("quedé como arrollada por un tren, sin fiebre", "mild"),
    ("las náuseas pararon anoche, ya comí", "ok"),
    ("nada malo por aquí", "ok"),
    # the writer's things are not the writer's body; a usual is only a saturation's
    ("my wife noticed swelling in my leg, I'm fine otherwise", "urgent"),
    ("el perro vomitó en mi alfombra toda la noche, yo solo cansada", "mild"),
    ("temp 38.5 as usual after my infusions", "urgent"),
    ("38.2 which is normal for me", "urgent"),
    ("sats 88 as usual after the drip", "emergency"),
]

NOT_BREATHING_SIGNS_ASKED_AND_PEOPLE_GONE = [
    # not breathing, told with the negation that is the symptom, read by the rules alone
    ("my little girl isn't breathing, she went limp", "emergency"),
    ("grandpa stopped breathing for a bit in his chair", "emergency"),
    ("mi esposo no respira bien, se le ve morado", "emergency"),
    ("el niño dejó de respirar unos segundos", "emergency"),
    ("not breathing any harder than usual, just sleepy", "mild"),
    # once read as "feeling unwell" and asked back: not breathing well is trouble breathing
    ("not breathing well since lunch", "emergency"),
    ("she's not breathing too well tonight", "emergency"),
    ("im not breathing so hard now, all good", "ok"),
    # the list of signs asked for, with nothing reported; a report run on still counts
    ("which are the warning signs of a clot? my sister wants to know", "unclear"),
    ("¿qué son los síntomas de un coágulo? para tenerlos apuntados", "unclear"),
    ("what are the signs of a stroke my arm feels dead", "emergency"),
    # a person long gone is no symptom over; "he's gone" of a person may be out cold
    ("she keeps talking to my uncle like he's here and he been gone since 2010, she don't "
     "know what day it is", "emergency"),
    ("headache has been gone since yesterday", "ok"),
    # window blinds; a skill, not a state; swelling that is over; a bruise where the vein
    # was found; still not right after being better
    ("shut every blind in the place, the light hurts with this headache", "urgent"),
    ("mi mamá no entiende bien el inglés, ¿me pueden escribir a mí?", "unclear"),
    ("ya no tengo los pies hinchados y los tobillos tampoco", "ok"),
    ("me salió un morado donde me agarraron la vena", "mild"),
    ("the aches are better now but I'm still a bit off", "mild"),
    ("pensé que tenía el brazo hinchado pero los comparé y están igualitos", "ok"),
]


ASKED_THEN_HAD_KITCHENS_AND_WARDS = [
    # a risk asked about, then had in a later sentence: the question's finding counts
    ("could the infusion give you chest pain? because I've got that right now", "emergency"),
    ("can this stuff cause a clot in the leg? I have it now, left calf", "urgent"),
    ("¿el tratamiento puede causar dolor de pecho? lo tengo desde la mañana", "emergency"),
    ("is trouble breathing something that can happen after this? asking for the leaflet",
     "unclear"),
    ("¿la falta de aire puede pasar con esto? nomás para saber", "unclear"),
    # compared with last time, the symptom is now's
    ("mild headache again, not as bad as the last infusion", "mild"),
    ("dolor de cabeza, un poco menos que la vez pasada", "mild"),
    # clots in the kitchen, a stroke ward, a match fit for a heart attack, a warning
    ("the custard had clots in it, I'm a terrible cook. bit tired otherwise", "mild"),
    ("back at work on the stroke ward, feeling good", "ok"),
    ("qué final de infarto el de anoche! yo bien, sin nada", "ok"),
    ("the nurse cautioned me about kidney trouble, none of that here, just sleepy", "mild"),
    # a headache growing stronger is a worsening one (the second reader had carried it)
    ("my head has ached since Monday and it keeps getting stronger", "urgent"),
    ("me duele la cabeza desde ayer, cada vez más fuerte", "urgent"),
]


LOOS_ELEPHANTS_AND_NURSES_FINDINGS = [
    # no trip to the toilet told with "had to go"; a weight sitting on the chest, in
    # Spanish; a nurse's finding is a report, not an instruction; the limb told by the
    # drip it did not have
    ("hasn't had to go to the toilet since lunch yesterday, drinking fine", "urgent"),
    ("es como si una vaca estuviera echada sobre mi pecho", "emergency"),
    ("the daycare nurse said she has a temp of 38.6 so I picked her up", "urgent"),
    ("nurse said to ring if she gets a temp over 38, she's 37.2 tonight", "mild"),
    ("the leg that didn't get the line is puffy and red at the calf", "urgent"),
    ("el brazo en el que no tenía el suero está hinchado de la mano al codo", "urgent"),
    # fears, worries and questions of how often, with nothing new told
    ("slight headache, a bit scared it will get worse tbh", "mild"),
    ("me duele poquito la cabeza, ya me imaginaba lo peor jaja", "mild"),
    ("how common are kidney problems after this? just curious", "unclear"),
    ("¿qué tan común es que dé trombosis? solo pregunto", "unclear"),
    ("chest was pounding in the waiting room but it calmed right down, all good now", "ok"),
    ("perdón por las faltas, no veo muy bien el celular. todo bien por aquí", "ok"),
    # the sign pointed at in a question is the patient's; the treatment pointed at is not
    ("could the drip cause this chest pain?", "emergency"),
    ("¿el suero puede causar esta presión en el pecho?", "emergency"),
    ("can this cause chest pain?", "unclear"),
]


GLUED_I_COMPARED_AND_WATCHED_FOR = [
    # "I" typed onto the next word; a comparison is no "normal since"; a question after
    # the sign reports it
    ("icant get my breath", "emergency"),
    ("idont think im peeing much at all", "urgent"),
    ("weeing a lot less than normal since saturday", "urgent"),
    ("dizzy on the first day, normal since", "ok"),
    ("red pee is that normal??", "urgent"),
    ("orina rojiza, ¿es eso normal?", "urgent"),
    # a worse cue told in another symptom's own part; a bare list stays everyone's
    ("headache since breakfast time, the tiredness getting worse tonight", "mild"),
    ("headache, tiredness getting worse", "urgent"),
    ("headache since breakfast time, getting worse", "urgent"),
    # where the patient had the drip, in Spanish; one side against the other
    ("me duele el brazo donde tenía la vía", "mild"),
    ("tiene el brazo caliente y hinchado donde le pusieron la aguja", "urgent"),
    ("forearm swollen and warm where the drip went in", "urgent"),
    ("the right calf. it's twice the size of the left one", "urgent"),
    # a sign asked about to watch for, with none reported
    ("are clots something to look out for? asking for my brother who starts next week", "unclear"),
    ("¿la orina oscura es algo que hay que vigilar? mi tía empieza el tratamiento", "unclear"),
    ("my ankles are puffy, is that something to watch for?", "urgent"),
    # a laugh ends the sentence about someone else; Irish "jaded" is tired; sounds-like
    ("my brother will need a doctor after that match 🤣 just a slight headache for me", "mild"),
    ("bit jaded today but grand", "mild"),
    ("feeling a bit queezy", "mild"),
    ("my back akes", "mild"),
    # a number with only a word or two around it is a reply of a number alone
    ("still 102", "urgent"),
    ("it's 100.9 now", "urgent"),
    ("ahora 38", "urgent"),
    ("still 99", "mild"),
    # things that swell are not the patient; a child's fever set apart in so many words
    ("the car tyre's all swollen on one side lol, me I'm grand", "ok"),
    ("la puerta del baño se hinchó con la humedad, yo sin molestias", "ok"),
    ("I'm good. my son's got a temp of 39 but that's nothing to do with me", "ok"),
    # the site told further along the hand
    ("the IV spot right on the back of my left hand is sore", "mild"),
]


STARS_SENTENCES_AND_NAMED_CLOTS = [
    # a slip set right with a star; "2" typed for "to" inside a word
    ("my lef is red and hot *leg", "urgent"),
    ("feels hard2breath when i walk", "emergency"),
    ("my lip is swelling up *lol", "urgent"),  # a star never overwrites a sign's word
    # short of breath told by speech
    ("can barely get a sentence out without stopping for air", "emergency"),
    ("no alcanzo a terminar una oración sin tomar aire", "emergency"),
    ("la niña anda jalando aire desde anoche", "emergency"),
    ("no ando jalando aire ni nada, solo cansada", "mild"),
    # "blood clots" named as one, so a denial reaches them; Spanish plural reported, and
    # the topic named is no report
    ("no blood clots that I can see, just tired", "mild"),
    ("creo que tengo trombos en la pantorrilla, está dura", "urgent"),
    ("camino cada hora por lo de los trombos, estoy bien", "ok"),
    # a dream is what follows "dream of/that", not the night's complaints; a fright at news
    ("bad dreams all night and woke with a banging head", "mild"),
    ("casi me da un soponcio cuando supe que subió la renta, fuera de eso bien", "ok"),
    # a bruise grown after a comma; a return told for tonight; hungover; a swelling bill
    ("bruise from the drip, slightly bigger today, not painful", "mild"),
    ("aches gone this morning, back a bit this evening", "mild"),
    ("felt hungover all day after it", "mild"),
    ("the only thing swelling round here is my overdraft, I'm fine", "ok"),
    # when a sign would come, asked; the patient's own sign in such a question
    ("how soon after the drip would kidney problems show up?", "unclear"),
    ("how long after the drip did my chest tightness start? is it the drip", "emergency"),
    # a filler "like" before a faint that happened; the clinic's word; the sight, then down
    ("he dropped, like blacked out for a minute", "emergency"),
    ("le dio un síncope en la iglesia", "emergency"),
    ("everything went grey and she fell in the kitchen", "emergency"),
    ("the lights went dark in the storm and I fell asleep early, all good", "ok"),
    # a husband called "hubby"; "rip" of a texter
    ("hubby's wheezy from his cold, that's him not me, I'm grand", "ok"),
    ("fever 38.9 lol rip", "urgent"),
]


RESTED_COURSES_AND_PATIENTS_NAMED = [
    # a red flag that rest ended comes with effort: it stays; a mild one rest ended is over
    ("tight chest carrying the shopping in, it went away when I sat down", "emergency"),
    ("me faltaba el aire en la escalera, se me pasó cuando me senté", "emergency"),
    ("headache went away when I lay down for an hour", "ok"),
    ("chest felt tight during the drip, went away when they stopped it", "ok"),
    ("heart was pounding before the infusion, it settled once I had some water", "ok"),
    # a symptom asked about, or named from the leaflet, then told as the patient's own
    ("is it normal to be this short of breath? it's been getting worse since Monday",
     "emergency"),
    ("the sheet says headaches are common, but mine is severe", "urgent"),
    ("if the headache gets worse should I come in?", "unclear"),
    # "like you said" refers back when "and" follows it; "and it is" confirms
    ("walked every hour like you said and my calf is still red and swollen", "urgent"),
    ("you said to call if my pee went dark, and it is", "urgent"),
    # the one the carer names the patient is; a parent set apart by a writer who is well
    ("his face is all puffy. the patient is him, not me", "urgent"),
    ("I feel fine. Mum's feet are swollen but she's not the one getting IVIG", "ok"),
    # a source is not a subject; a fright in a clause of its own
    ("passed out in the shop according to my sister, I don't remember", "emergency"),
    ("mi vecina tuvo un derrame, which scared me, pero yo estoy perfectamente", "ok"),
    # things that are not signs: handing out, a rash on a limb, a river, a wallet, a bill
    ("spent the day passing out leaflets at the fair, bit tired", "mild"),
    ("red rash on my shin, itchy", "mild"),
    ("una ronchita chiquita en el cuello que pica", "mild"),
    ("el arroyo está crecido de tanta lluvia, yo bien", "ok"),
    ("otherwise fine, the only pain is in my bank account lol", "ok"),
    ("lo único que casi me da un infarto fue la factura, yo bien", "ok"),
    # "regular" of what goes as it should; breathing told by a run not run
    ("bowels regular, peeing regular, all good", "ok"),
    ("puffing like I just ran a mile and I've only walked to the kitchen", "emergency"),
    ("she was talking fine then answered me in total gibberish", "emergency"),
    # a fall with no trip is a faint; rest ending it "with rest" leaves a red flag
    ("Dad fell in the hallway, says he didn't slip, he just dropped", "emergency"),
    ("se cayó en el baño, dice que no se resbaló", "emergency"),
    ("tightness in my chest on the treadmill, eases with rest", "emergency"),
    # the first days, over, beside how the patient is now; the same one again is news
    ("sore head the first couple of days, grand now", "ok"),
    ("los primeros días con escalofríos, ya estoy bien", "ok"),
    # a film that "had me gasping"; tired enough to "pass out" on the sofa
    ("that final episode had me gasping lol, otherwise just a bit tired", "mild"),
    ("so exhausted I could pass out right here at my desk, that's it", "mild"),
    # a parent who drove the writer; a spouse's breath beside "yo sin problemas"
    ("my dad took me home and he nearly passed out in the heat, he's ok. I feel good", "ok"),
    ("mi esposo se quedó sin aire en el partido, yo sin problemas", "ok"),
    # but a ride told with the writer's own sign is the writer's; a call is the caller's
    ("my husband took me to urgent care with a swollen leg, I'm fine otherwise", "urgent"),
    ("my brother rang me in a panic about his chest pain, I'm fine", "ok"),
]


EASED_ANSWERS_AND_NAMES = [
    # a severe headache dated earlier and told mild now is mild; a worst-ever one stays,
    # and so does one told mild then worse
    ("awful headache last night, this morning it's only a mild one", "mild"),
    ("anoche un dolor de cabeza fortísimo, hoy leve", "mild"),
    ("worst headache of my life yesterday, today mild", "emergency"),
    ("terrible headache yesterday, today mild but getting worse", "urgent"),
    ("severe headache today, yesterday it was mild", "urgent"),
    # a question echoed, then answered no in pieces: nothing raised (a Spanish question
    # mark still asks a person)
    ("Swollen legs? No, nothing like that.", "ok"),
    ("¿Hinchazón en las piernas? No, nada de eso. Todo bien.", "unclear"),
    ("chest pain? no, it's getting worse", "emergency"),
    # "they" after a list takes in its items; "and I had ..." is a clause, not an item
    ("had a splitting headache and the chills on Tuesday but they both cleared up", "ok"),
    ("my calf is swollen and I had a headache but they went away", "urgent"),
    # asked before the first infusion: a question about an emergency reports nothing,
    # a statement of one still does
    ("can IVIG give you chest pain? my first infusion is on Monday", "unclear"),
    ("my first infusion is next week, is chest pain normal? I have chest pain right now",
     "emergency"),
    # what comes and goes is not over
    ("tightness in my chest that's come and gone all evening", "emergency"),
    ("headache came and went on Sunday, gone now", "ok"),
    # a name that is also a word, signing off; the same word opening a sentence is pains
    ("Todo bien, sin molestias. Saludos, Dolores", "ok"),
    ("Dolores de cabeza desde ayer", "mild"),
    # the deceased at a wake is not the one who fainted
    ("mi tía se desmayó en el velorio del difunto", "emergency"),
    # a month gone by is history, beside how the patient is now
    ("had a clot in my leg back in April, all fine now, just tired", "mild"),
    # a fright told as a near-faint; colour put on the skin
    ("casi me desmayo del susto con la película, aparte de eso bien", "ok"),
    ("my granddaughter coloured my arm with red felt tips, no other problems", "ok"),
    # language lost in writing is a stroke sign; a text that came in is not
    ("my texts came out all jumbled this morning, I couldn't spell anything", "emergency"),
    ("the message from the pharmacy was gibberish, I'm fine", "ok"),
    # one limb bigger than the other, told after a long stretch; a leg told by a bigger
    # side is a clot sign
    ("my right calf from the ankle up is tender and bigger than the left", "urgent"),
    # a taken-back text, and a sleep-talker teased about a stroke
    ("ignore my 'passed out' text, that was my son messing with my phone. I'm ok", "ok"),
    ("my wife joked I had a stroke because I mumble in my sleep, I feel great", "ok"),
    # "no" typed onto its verb is a denial of it
    ("nopuedo respirar bien desde anoche", "emergency"),
    # what the patient hoped would pass has not
    ("pain across my chest, sat down thinking it'd pass, still there", "emergency"),
    # a rash told day by day up to all of it is spreading
    ("little spots on my tummy monday, tuesday my back, and now they're everywhere",
     "urgent"),
    ("unos granitos el lunes en el cuello, hoy ya los tengo por todas partes", "urgent"),
    # a day named, then "ya no": over since then
    ("el domingo tuve escalofríos, desde el lunes ya no, ahora bien", "ok"),
]

FLUSHING_SPANS_AND_FIGURES = [
    # a red, hot face is a mild reaction, told over it is over; a blush is none
    ("my cheeks went all red this afternoon, feel warm", "mild"),
    ("se le pusieron los cachetes colorados después del suero", "mild"),
    ("cheeks were flushed at the clinic but that settled, nothing since", "ok"),
    ("went red in the face from embarrassment when the nurse called, otherwise fine", "ok"),
    # a day or a night gone without passing urine; a few hours on a drive is nothing
    ("he's gone all night without a pee and it's 10am now", "urgent"),
    ("mi abuela pasó toda la noche sin hacer pipí", "urgent"),
    ("drove 2 hours without peeing, all good when I got there", "ok"),
    # "dead tired" in Spanish is the writer's own; a death told is someone else's
    ("ando muerto de sueño, nada más", "mild"),
    ("mi tío muerto de un infarto tenía coágulos, yo bien", "ok"),
    # two denials make a yes; "near had a heart attack" is a figure
    ("I couldn't say my chest isn't tight, it started an hour ago", "emergency"),
    ("near gave me a heart attack when the dog barked, I'm grand otherwise", "ok"),
    # "seizure" heard as two words by the phone
    ("she is having a seize her right now", "emergency"),
    # the amount is the sleep's, not the headache's; the prick names the arm; the nose
    # is blocked, not the throat
    ("slight headache, napping loads", "mild"),
    ("tengo morado y me duele el brazo de la aguja", "mild"),
    ("dolor de garganta y la nariz congestionada", "mild"),
    ("no he podido retener ni el agua desde anoche", "urgent"),
]

ASKED_BY_ANOTHER = [
    # someone else's question about the patient, answered no: nothing raised
    ("my son asked if I'd fainted at the clinic. Nope, just tired", "mild"),
    ("mi esposo me preguntó si tenía dolor de pecho, le dije que no. Todo bien", "ok"),
    ("my neighbour keeps asking if I have swollen legs - I don't, all good", "ok"),
    # ... not answered, or the answer taken back: the red flag stands (safety rule 1)
    ("my daughter asked if I had chest pain and I do, it's tight", "emergency"),
    ("the nurse asked if I was short of breath. No, but I am now, badly", "emergency"),
    ("mi hermana me preguntó si me desmayé, le dije que no pero sí me desmayé", "emergency"),
    # what is told after the answer is news, and so is a new report inside the question
    ("she asked if I had chest pain and my leg is swollen. No.", "urgent"),
    ("my wife asked if I had chest pain, I said no, and now my left calf is swollen",
     "urgent"),
    # the nape stiff with a headache; the hurt told growing
    ("nuca tiesa y dolor de cabeza desde anoche", "urgent"),
    ("la cabeza me duele cada vez más", "urgent"),
    # a time long past told of a clause of its own dates nothing before it
    ("chest tight walking to the car, I could walk a mile easily last month", "emergency"),
    ("much better than my first infusion when I had an awful headache. all good now",
     "ok"),
    # a bloated belly, fed up with texts, an awful car park, eyes that ache on screens
    ("tengo la barriga inflada y algo de náusea", "mild"),
    ("all fine, just sick of all these messages", "ok"),
    ("todo bien, el estacionamiento pésimo eso sí", "ok"),
    ("dull pressure behind my eyes after a day on the laptop", "mild"),
    ("todo bien, el viernes tuve escalofríos pero ya no", "ok"),
]

THOUGH_RELIEVERS_AND_WHERE_IT_WENT_IN = [
    # "though" before a verb is an adverb, not a boundary; before a subject it still is
    ("no pain anywhere. the wee though is like strong tea", "urgent"),
    ("all fine. my pee though is looking like cola", "urgent"),
    ("no fever though felt hot last night", "mild"),
    # two denials side by side make a yes
    ("I don't not have a headache, it's mild", "mild"),
    # the asthma reliever that does nothing is the breath failing; a workout is no inhaler
    ("used my ventolin twice this morning, it's not doing anything", "emergency"),
    ("usé la bombita dos veces y nada", "emergency"),
    ("mi asma anda silbando desde anoche", "emergency"),
    ("not working out this week, the inhaler's in a drawer, feeling fine", "ok"),
    # "member" for remember; "meé", the first person past of "mear"
    ("I don't member falling, my husband found me by the stairs", "emergency"),
    ("ayer meé muy poco", "urgent"),
    # the needle's spot told without its name, or with a verb of the region's own
    ("my hand is tender where they put it in", "mild"),
    ("me duele el brazo donde me punzaron con la aguja", "mild"),
    ("bruise at the needle spot, it's turning yellow", "mild"),
    # a rash's "brote" is no "broke"; "a bit of a head", "a bit of a temperature"
    ("tengo ampollas en el brote de la pierna", "urgent"),
    ("bit of a head this morning, otherwise fine", "mild"),
    ("had a bit of a temperature yesterday, it's gone", "ok"),
    # all well, said in other words
    ("no tengo nada, gracias", "ok"),
    ("feeling myself again today", "ok"),
    ("can't say I've noticed any side effects", "ok"),
]

OWN_LISTS_LETTERS_AND_FAINT_COLOURS = [
    # a list the patient numbered: its item numbers are no choices and no part of an item
    ("1. headache a little 2. fever no 3. rash no", "mild"),
    ("1) dolor de cabeza leve 2) fiebre no 3) hinchazón no", "mild"),
    ("1. headache mild 2. chest pain yes", "emergency"),
    # a checklist answered by letter; "n" before more words is "and"
    ("rash n, swelling n, breathing fine", "ok"),
    ("hives n still spreading up my arms", "urgent"),
    # "faint", the adjective, is no faint
    ("faint red blotches on my arms, a bit itchy", "mild"),
    ("I felt faint and went down in the kitchen", "emergency"),
    # a chest pain made small is still the chest's; a diary's day told stronger
    ("tengo un dolorcito en el pecho desde anoche", "emergency"),
    ("Día 1: dolor de cabeza. Día 2: más fuerte", "urgent"),
    # urine the colour of a stout; a flower's cream is no fever; a rash "breaking out"
    ("wee looks like stout today", "urgent"),
    ("me pongo crema de caléndula en las ronchitas", "mild"),
    ("me salió un brote en el cuello", "mild"),
    # all well in other words
    ("hunky dory here", "ok"),
    ("feeling fab", "ok"),
    ("Todo filete", "ok"),
]

SIGHT_THROUGH_WRITERS_AND_LONG_ITEMS = [
    # sight lost through an eye, not a person out of view
    ("she can't see from her left eye since this morning", "emergency"),
    ("no veo nada del ojo izquierdo", "emergency"),
    ("can't see you till Monday, I'm away", "unclear"),
    # a relative who wrote the earlier text is not the one with the symptom
    ("la paciente soy yo, mi hijo escribió que tenía dolor leve pero no, es un dolor de "
     "cabeza severo", "urgent"),
    # a "ni" far on ends no list of "no": the item after the comma is no denied one
    ("dolor leve pero no, es un dolor de cabeza severo, no me deja ni abrir los ojos",
     "urgent"),
    ("no tengo fiebre, dolor de cabeza fuerte ni vómitos", "ok"),
    # the breath in rural Spanish; a calf tight and warm, made small
    ("no puedo resollar bien", "emergency"),
    ("siento la pantorrilla apretada y calentita, solo la izquierda", "urgent"),
    # a medicine wearing off is when the headache began, not its end
    ("Headache started when the Piriton wore off", "mild"),
    # light that hurts, told inside a headache's words
    ("Bad head and the light hurts my eyes", "urgent"),
    # one leg of "legs" (as "leg's" is read)
    ("Leg's gone fat and sore, just the one", "urgent"),
    # all well in other words; "mejor" as "rather"
    ("back at nursery and happy as Larry", "ok"),
    ("ya está recuperado del todo", "ok"),
    ("dormí toda la noche con el CPAP", "ok"),
    ("puede llamar a mi hija mejor, ella es la que recibió el tratamiento", "unclear"),
    # a diary's days are no list items; a pain rated in words is a score, its scale no score
    ("tired since day 1. aches since day 2. headache since day 3 now super bad, a 9 out of "
     "10", "urgent"),
    ("the headache was like a 3 on monday, a 5 yesterday and today its an 8", "urgent"),
    ("headache like a 3 over 10", "mild"),
    ("headache about a 3 outta 10", "mild"),
    # a temperature told to the half; a pregnancy's weeks are none
    ("Tengo treinta y ocho y medio y escalofríos", "urgent"),
    ("I'm 38.5 weeks pregnant and tired", "mild"),
    # British "sick" told many times; "as well" is no "well"
    ("keep being sick, 4 times in 2 hrs", "urgent"),
    ("do you want the lot number as well", "unclear"),
]

# Rounds 100 and 101 (QF to QM), read after their first passes: a reading held inside the
# word it supersedes, yellow said as in the US South, the air not taken in, the infusion
# told as when before a leg, idioms of being well told as the end of yesterday, legs
# told stronger.
HELD_READINGS_AND_IDIOMS_OF_WELL = [
    ("she's running a 101 fever since lunch", "urgent"),
    ("running a 99.6 fever, achy", "mild"),
    ("his eyes look yeller today", "urgent"),
    ("no agarro bien el aire desde anoche", "emergency"),
    ("el niño no jala aire", "emergency"),
    ("no agarro el teléfono en el trabajo", "unclear"),
    ("after the drip both my ankles are puffy", "urgent"),
    ("after the drip I have swollen ankles", "urgent"),
    ("desde la infusión se me hincharon los tobillos", "urgent"),
    ("since the drip my arm is sore", "mild"),
    ("dizzy yesterday, now fit as a fiddle", "ok"),
    ("ayer mareada, hoy como una rosa", "ok"),
    ("legs feel stronger on the stairs today", "ok"),
    ("las piernas se sienten más fuertes", "ok"),
    ("had a giddy spell this morning", "urgent"),
    ("giddy with excitement about the trip", "unclear"),
    # round 102: lips that inflate, "hacer del uno", socks denied to leave marks
    ("se le inflaron los labios a mi hija", "urgent"),
    ("mi papá no ha hecho del uno desde ayer", "urgent"),
    ("day 9, socks not leaving any marks, ankles fine", "ok"),
    ("socks leaving deep marks tonight", "urgent"),
]

# Round 103: a question that says it only asks; pain shown rather than named; an episode
# had, not watched; real words kept whole; a fall that nearly came
ONLY_ASKING_AND_SHOWN_PAIN = [
    ("are puffy ankles a worry after this? I don't have them, just asking", "unclear"),
    ("is red pee a kidney thing? only asking", "unclear"),
    ("¿la orina oscura es mala? no la tengo, solo pregunto", "unclear"),
    ("¿se hinchan los tobillos con esto? a mí no me ha pasado", "unclear"),
    ("do swollen feet happen after ivig, just asking?", "unclear"),
    # a reason after it, or the patient has it: still a report
    ("are swollen ankles normal? just asking cos mine are huge", "urgent"),
    ("is dark pee bad? just asking, but mine is dark today", "urgent"),
    ("is red pee bad? I have it now", "urgent"),
    # an emergency still counts: "just asking" may cover what is felt
    ("is chest pain normal after ivig? just asking", "emergency"),
    ("grandad keeps clutching at his chest and won't sit down", "emergency"),
    ("mi esposo se soba el pecho y está sudando", "emergency"),
    # a chest of drawers held is no chest; a phone stared at gives a real headache
    ("holding the chest of drawers while he moved it, all good", "ok"),
    ("staring at my phone all day gave me a headache", "mild"),
    ("feels like my lungs won't open up properly", "emergency"),
    ("had a scary episode where I blacked out on the stairs, ok now", "emergency"),
    ("watched an episode about strokes last night, I'm fine", "ok"),
    ("cnt breathe properly", "emergency"),
    ("ando bien aplatanada hoy", "mild"),
    ("took the kids to sports practice, all good here", "ok"),
    ("the school is being a right pain about his absence", "unclear"),
    ("felt woozy and almost fell over getting off the bed", "urgent"),
    ("my wheezy old pug snores all night, I'm grand", "ok"),
]

# Rounds 104 to 106 (thirty-fifth session), each probe read otherwise before it (the
# guards of what must stay, such as "scared it's a clot", aside): a sign feared to come
# is not felt, one feared to be here is; a denial after an absence (no urine) tells it
# goes on; signs told in plain words; a muddle apologised for; a figure of speech with
# its cause; someone else's number and treatment denied.
FEARED_AND_ABSENT = [
    # a sign feared to come is not felt; one feared to be here still is
    ("spots on my arm, a bit itchy. scared they'll spread but so far no", "mild"),
    ("was nervous I'd get the horrible headache again but nope, all fine", "ok"),
    ("dolor de cabeza leve, tengo miedo de que se ponga peor", "mild"),
    ("tengo miedo de que se me hinchen las piernas como la otra vez, por ahora bien", "ok"),
    ("scared it's a clot, my calf is red and hot", "urgent"),
    ("worried I'm having a stroke, my face feels droopy", "emergency"),
    ("worried as hell my leg is swollen and red", "urgent"),
    ("feeling anxious ill and dizzy since yesterday", "urgent"),
    ("had to close the curtains, the neighbours are nosy lol, all good", "ok"),
    ("read the whole list of side effects, kidney failure and clots, yikes. feel fine tho", "ok"),
    ("I'm sure every little ache is a clot now lol, just sore legs from the gym, both sides",
     "mild"),
    # an absence told on by a denial: it goes on
    ("no he hecho pipí, desde el martes nada", "urgent"),
    ("hardly weed since yesterday", "urgent"),
    # told in plain words
    ("he just went out cold at the dinner table", "emergency"),
    ("she had a sort of fit on the sofa, shaking, then sleepy", "emergency"),
    ("my feet have gone really fat since friday", "urgent"),
    ("headache, had to draw the curtains because of the glare", "urgent"),
    ("está respirando como perrito, rapidito, no le alcanza", "emergency"),
    # a muddle apologised for, a figure of speech with its cause
    ("oops wrong number earlier, sorry for any confusion! all good", "ok"),
    ("my head is going to explode with all this paperwork haha, otherwise fine", "ok"),
    ("la cabeza me va a estallar de tanto trámite jaja, fuera de eso bien", "ok"),
    # a number after someone else's illness is theirs; the treatment denied them
    ("I'm good, my wife has the flu, 38.6 poor thing lol, she's not on IVIG", "ok"),
    ("my brother has a fever of 39, he didn't get any IVIG", "ok"),
    ("mi hermano tiene fiebre de 39, pero él no recibió IVIG", "ok"),
]

# Rounds 107 and 108 (thirty-sixth session), each probe read otherwise before it (the
# guards of what must stay aside): busy, not speechless; the breath in a longer phrase;
# talk that comes out as gibberish; what the leaflet lists after its comma, and a part of
# it named by its topic; a friend's or neighbour's story beside the writer's own; what
# was dreamt; a bare score after the pain it scores; the worst denied by a likeness; a
# rash absent this time; a dated symptom told as still there; idioms of being well.
READ_DREAMT_AND_SCORED = [
    ("on my lunch break, can't talk, will ring you back later", "unclear"),
    ("struggling to take a proper breath since this morning", "emergency"),
    ("mum is trying to speak and it's all gibberish", "emergency"),
    ("mi papá trata de hablar y le sale puro enredo", "emergency"),
    ("went through the booklet, strokes, clots and kidneys, scary stuff, but I'm feeling "
     "good", "ok"),
    ("el prospecto, trombos y derrames, qué miedo, pero me siento bien", "ok"),
    ("read the pamphlet, my calf is red and hot", "urgent"),  # a report after its comma
    ("the clot bit of the leaflet freaked me out, just tired", "mild"),
    ("my neighbour had a clot in her leg after hers, I've got a bit of a headache", "mild"),
    ("my coworker ended up with a clot last year, I'm just tired", "mild"),
    ("a mi amiga le dio un trombo con el tratamiento, yo tengo cansancio nomás", "mild"),
    ("my friend is having a stroke, what do I do", "emergency"),  # asked, not the writer's
    # those carers and coaches write about are no peers of the writer's
    ("soy la cuidadora, la señora tuvo un desmayo hace rato", "emergency"),
    ("I'm the coach, the lad had a seizure on the pitch", "emergency"),
    ("dreamt my face was drooping lol. bit of a headache", "mild"),
    ("had a nightmare I couldn't breathe, just tired this morning", "mild"),
    ("tuve una pesadilla de que me daba un derrame, solo estoy cansada", "mild"),
    ("dreamt I was falling and woke up and couldn't move my left arm", "emergency"),
    ("headache 0, pee fine", "ok"),
    ("dolor de cabeza en 0, todo bien", "ok"),
    ("head is a steady 3, nothing else", "mild"),
    ("headache 2/10, fatigue 9/10", "mild"),
    ("headache 9", "urgent"),
    ("headache since 9, mild", "mild"),  # a time
    ("dolor de cabeza, nada que ver con el peor de mi vida", "mild"),
    ("last round I came up in hives, this time not one spot", "ok"),
    ("headache the first night, still lingering today but much better", "mild"),
    ("everything's sweet here mate", "ok"),
    ("toy fino, gracias", "ok"),
]

# Round 109 and 110 (thirty-seventh session): a denial of how bad is not a denial of
# what; a parent who came along is someone else; the site told as a spot or by its tape;
# the head told by what beats or squeezes it; a simile's animal; the rest said to be
# over leaves what came before it; a degree told against an earlier one. Guards: a
# denial of the degree leaves a red flag after it, the rest over leaves a clot sign.
DEGREES_SITES_AND_THE_REST = [
    ("it's not a bad headache, just there in the background", "mild"),
    ("not the worst headache I've had, more of a dull one", "mild"),
    ("no es el peor dolor de cabeza que he tenido, pero ahí está", "mild"),
    ("no severe headache, no stiff neck, all good", "ok"),
    ("my dad came with me and he fainted in the car park, I feel fine", "ok"),
    ("my pee went dark on Sunday but it's back to normal light yellow now", "ok"),
    ("tummy's swimmy after breakfast", "mild"),
    ("la cabeza me palpita un poco", "mild"),
    ("my head keeps drumming a bit, nothing major", "mild"),
    ("tired as an old farm dog today", "mild"),
    ("kinda draggin after work", "mild"),
    ("mi yeye dem swell up but mi breathing alright", "urgent"),  # eyes, not "yeyo"
    ("feeling brand new today", "ok"),
    ("todo correcto, gracias", "ok"),
    ("the iv patch is sore, everything else is back to normal", "mild"),
    ("the headache was fine this morning, now it's unbearable", "urgent"),
    ("el dolor de cabeza estaba leve, ahora es insoportable", "urgent"),
    ("my leg is swollen and red, everything else is fine", "urgent"),
    ("she's gone pale and can't breathe", "emergency"),
    ("not a bad headache but my chest is tight", "emergency"),
    ("my head is banging and my left arm went numb", "emergency"),
]

# Round 111 and 112 (thirty-eighth session): a denial that measures now against a time
# before ("haven't been this breathless since covid") is a report; sight lost "en un ojo";
# dictated urine told as a subject; a sign asked about for anyone, or a word of the
# leaflet asked about, reports nothing; what was read online is named, not felt, until
# the patient says they have it; a list's source leaves what came before it; a fever
# that came down is over; "none of 1 through 7" answers the list; as before the
# treatment is well.
COMPARISONS_HEARSAY_AND_NONE_OF_THE_LIST = [
    ("haven't been this short of breath since I had pneumonia, just walking to the bins",
     "emergency"),
    ("no me faltaba tanto el aire desde que tuve covid", "emergency"),
    ("not felt this wiped out in years", "mild"),
    ("haven't had a headache since tuesday", "ok"),
    ("se me quedó sin vista en un ojo de repente", "emergency"),
    ("perdí la vista en el ojo izquierdo esta mañana", "emergency"),
    ("your in is dark brown today", "urgent"),
    ("your in good hands with the nurse, thanks", "ok"),
    ("If someone gets a bad headache after this do they call you or the GP?", "unclear"),
    ("if anyone has chest pain after this should they ring 999? I have some now", "emergency"),
    ("si a alguien le falta el aire, ¿llama al 911 o a ustedes?", "unclear"),
    ("what do you mean by swelling, like how much?", "unclear"),
    ("I read online it can cause clots and kidney trouble, how would I know?", "unclear"),
    ("leí en internet que puede dar trombos", "unclear"),
    ("read the leaflet about headaches. I have one now", "mild"),
    ("read the leaflet about headaches. I don't have that", "ok"),
    ("I read online it can cause clots. How would I know if that's happening to me?",
     "unclear"),
    ("headache and rash today, the nurse said watch for chest pain and trouble breathing. "
     "none of those", "mild"),
    ("Temp 38.3 last night but it came down by morning", "ok"),
    ("came down with a cold, temp 38.4", "urgent"),
    ("none of 1 through 7", "ok"),
    ("ninguna de las 7", "ok"),
    ("none of the 7 days was bad", "unclear"),
    ("me siento como antes del tratamiento", "ok"),
    ("sigo igual que antes, con dolor de cabeza", "mild"),
    ("feel like I did before the infusion", "ok"),
    ("my body dey tire me well well", "mild"),
    # round 113: Scots retching and "doon", a fit told as stiff then shook, speech that
    # others notice, a hedged chest pain, breathless from wonder
    ("been boakin since tea time, cannae keep anything doon", "urgent"),
    ("can't keep a sip of water down since last night", "urgent"),
    ("my son went stiff n shook on the couch", "emergency"),
    ("my wife says I'm not talking right tonight", "emergency"),
    ("mi esposa dice que no estoy hablando bien", "emergency"),
    ("no hablo bien el inglés, perdón", "unclear"),
    ("my chest isn't hurting exactly but it feels heavy when I walk", "emergency"),
    ("me quedé sin aliento de lo bonito que estaba el día jaja, todo bien", "ok"),
]


# Round 114 and 115 (thirty-ninth session): a symptom told as before this infusion beside
# being well now is past; 'still' or a return a few words on keeps a dated finding news;
# what is to come, asked, reports nothing; the arm sore where the needle was is the site;
# an order to call is a request.
BEFORE_STILL_TO_COME_AND_CALL_ME = [
    ("Had a fever before the infusion (that's why they pushed it back a week) but "
     'nothing now, feel good', 'ok'),
    ('antes de la infusión tenía los pies hinchados, ahora estoy bien', 'ok'),
    ('had swollen feet before the infusion but feel fine now', 'ok'),
    ('before the infusion i was fine but now my leg is swollen', 'urgent'),
    ('i had chest pain last week and i still have it, otherwise good', 'emergency'),
    ('tuve dolor de pecho la semana pasada y todavía lo tengo, por lo demás bien', 'emergency'),
    ("had a headache before my infusion and it's still here, otherwise fine", 'mild'),
    ('had chest pain last month. still a bit tired but fine', 'mild'),
    ("I had chest pain last week and now it's back, otherwise fine", 'emergency'),
    ('tuve dolor de pecho la semana pasada y ahora volvió, por lo demás bien', 'emergency'),
    ('had a clot in 2019, back at work now and feeling great', 'ok'),
    ('de niña tuve convulsiones y nunca volvieron, hoy estoy bien', 'ok'),
    ('feel a bit sick and tired, nothing major', 'mild'),
    ("sick and tired of all this rain, me I'm fine", 'ok'),
    ('se me revuelve el estómago un poco', 'mild'),
    ('the aches cleared up day before yesterday, right as rain now', 'ok'),
    ("Dad's feeling good, the headache quit yesterday evening", 'ok'),
    ("the headache just won't quit", 'mild'),
    ('will i get a headache like last time?', 'unclear'),
    ('¿me va a dar dolor de cabeza como la vez pasada?', 'unclear'),
    ('am i going to have a heart attack?? chest is so tight', 'emergency'),
    ('le salió un moretón donde le pusieron la aguja, tiene el brazo adolorido', 'mild'),
    ('le salió un moretón donde le pusieron la aguja, tiene el brazo hinchado y '
     'caliente', 'urgent'),
    ('bruise where the needle went in, the whole arm feels sore', 'mild'),
    ('me duele el pinchazo del brazo', 'mild'),
    ('k call me', 'unclear'),
    ('ok, llámenme por favor', 'unclear'),
    ('call me, chest pain', 'emergency'),
]


# Rounds 116 and 117 (fortieth session): a mild reading that takes a red flag's last word
# for its start ("neck, light hurts"); the throat named, then "it"; a question about what
# may spread; an arm only sore is the drip arm; a stop told as what came before the return;
# the subjunctive and the Andalusian diminutive.
TAILS_DRIP_ARMS_AND_STOPS_BEFORE = [
    ('headache, stiff neck, light hurts my eyes', 'urgent'),
    ('headache with a stiff neck, lights hurt my eyes, not confused', 'urgent'),
    ('stiff neck and light hurts my eyes', 'urgent'),
    ('throat swelled up yesterday, went down with the '
     "antihistamine, but it's closing up again now", 'emergency'),
    ('la garganta se me hinchó ayer y bajó, pero ahora siento que se me cierra', 'emergency'),
    ('¿es normal que se me hinche la garganta?', 'emergency'),
    ('¿es normal que se me hinchen los labios así?', 'urgent'),
    ("the cut on my hand, it's closing up nicely", 'ok'),
    ('itchy rash on my ankle, about the size of a coin. will it spread?', 'mild'),
    ('tengo unas ronchitas en la muñeca, ¿se me van a extender?', 'mild'),
    ('tender where the drip was, a little pea sized bump, otherwise fine', 'mild'),
    ("sore arm and a bit tired, that's it", 'mild'),
    ('just a sore arm and a mild headache', 'mild'),
    ('my left arm is sore', 'urgent'),
    ("sore arm and now it's swollen and warm", 'urgent'),
    ('me duele un poco el brazo donde fue el pinchazo', 'mild'),
    ('solo cansado y con el brazo un poco adolorido', 'mild'),
    ('me duele el brazo derecho', 'urgent'),
    ('headache came back tonight after it went away this morning', 'mild'),
    ('volvió el dolor de cabeza después de que se me quitó', 'mild'),
    ('the chills from monday are over, feel normal', 'ok'),
    ('ya me siento como siempre, el cansancio pasó', 'ok'),
    ('un poco de náusea, casi se me pasó', 'mild'),
    ('hives are all over my back now', 'urgent'),
    ('my daughter is back to herself, the headache she had after is gone', 'ok'),
    ('mi marido anda flojillo hoy', 'mild'),
    ('coughed up a bit of bright red stuff into a tissue', 'emergency'),
    ('¿es normal que se hinchen los pies? pregunto por si acaso', 'unclear'),
]


# Rounds 118 to 120 (forty-first session), in our own words: words written by ear
# ("tite", "amarios") and run together, a talk that is no stroke event, a night that is no
# sleep, a return told as "here again", a worry that tells what is seen, a resolution that
# names its own subject, a question after its comma; a fall and no waking told at length,
# a leg double the other with no word of size, a retch that is no vomiting (and
# "resched", which is no "retched").
SOUNDS_SUBJECTS_AND_RETURNS_AGAIN = [
    ('my chest got tite after lunch', 'emergency'),
    ('chesttite all evening', 'emergency'),
    ('tengo los ojos amarios desde ayer', 'urgent'),
    ('los tobios bien hinchados', 'urgent'),
    ('i think its a stroke cant talk right', 'emergency'),
    ('went to a stroke awareness talk at the library', 'unclear'),
    ('fell over in the garden last night, out cold for a minute', 'emergency'),
    ('early night, out cold by 9, slept great', 'ok'),
    ('the tightness in my chest came back. it eased off after the '
     'drip but now its here again', 'emergency'),
    ('¿me debo preocupar si la pipí está roja?', 'urgent'),
    ('should I be worried if my ankles are puffy?', 'urgent'),
    ('what should I do if my pee goes dark?', 'unclear'),
    ('face looks yellowish today. wee is normal colour', 'urgent'),
    ('pee was brown yesterday. pee is a normal colour now', 'ok'),
    ('wee was dark this morning but its clear now after lots of water', 'ok'),
    ('couple of hives on my neck, will they spread?', 'mild'),
    ('temples throbbing since lunch', 'mild'),
    ('me laten las sienes desde la mañana', 'mild'),
    ('ando destemplada hoy', 'mild'),
    ('tengo el cuerpo flojo', 'mild'),
    ('feeling lekker today', 'ok'),
    ('todo macizo por acá', 'ok'),
    ('headache went by lunchtime', 'ok'),
    ('able to do everything like normal today', 'ok'),
    ('100% now thanks', 'ok'),
    ('mi fada fall dung by di gate an nuh waan wake up', 'emergency'),
    ('she fell off the chair and doesnt want to wake up', 'emergency'),
    ('no tengo dolor de pecho, pero la pierna derecha está el doble de la izquierda', 'urgent'),
    ('had a boak earlier, still a bit queasy', 'mild'),
    ('retching a bit this morning', 'mild'),
    ('need to resched my appt', 'unclear'),
    ('acho, todo bien por aquí', 'ok'),
    ('a la nena le da sueño todo el día', 'mild'),
]

# Rounds 121 to 123 (forty-second session): breath told "outta", Spanish "no estoy
# pudiendo", blood at work (no blood work), the last infusion told as the worse one, "qué
# sueño tengo", a score of 0 told first, the drip arm that "molesta", Northern "nowt",
# "all g", an example after a question's comma ("like with clots?"), "is not responding"
# (of a person, not of an office), and peeing put down to all the water drunk.
OUTTA_PROGRESSIVES_AND_EXAMPLES = [
    ('got outta breath climbing the stairs to bed', 'emergency'),
    ('ankle swelling went down but now im outa breath on the short walk to the car', 'emergency'),
    ('no estoy pudiendo respirar desde anoche', 'emergency'),
    ('mi papá no está pudiendo hablar bien, se le traba la lengua', 'emergency'),
    ('coughed up some blood at work this morning', 'emergency'),
    ('had my blood work done today, all fine', 'ok'),
    ('the first infusion was way worse, this time just a mild headache', 'mild'),
    ('la primera infusión fue mucho peor, esta vez solo un poco de dolor de cabeza', 'mild'),
    ('headache is worse than after the last one', 'urgent'),
    ('qué sueño tengo hoy', 'mild'),
    ('el niño duerme y duerme todo el día', 'mild'),
    ('0/10 pain today', 'unclear'),
    ('me molesta el brazo donde me pincharon', 'mild'),
    ('nowt to report this end', 'ok'),
    ('in great form today thanks', 'ok'),
    ('all g thanks', 'ok'),
    ('which signs should we watch for, like with strokes or clots?', 'unclear'),
    ('¿qué debo vigilar, por ejemplo los coágulos?', 'unclear'),
    ('what should I watch for, like my leg is puffy now', 'urgent'),
    ('my husband is not responding', 'emergency'),
    ('the pharmacy is not responding to my emails', 'unclear'),
    ('tuve que orinar varias veces, pero fue por tanta agua que tomé', 'ok'),
    # round 123: Kiwi and Scots "chist", the subjunctive "no vea", a limb "gorda y dura"
    ('sharp pain in ma chist since tea time', 'emergency'),
    ('the chist pain is gone now, feel fine', 'ok'),
    ('¿es normal que no vea nada de un lado desde la mañana?', 'emergency'),
    ('el brazo derecho lo tiene gordo y caliente desde ayer', 'urgent'),
    ('tengo las piernas gordas de tanto comer en navidad', 'unclear'),
    ('didnt get any side effects this time', 'ok'),
    ('dad says he feels 100% today', 'ok'),
    ('calves cramping after the walk', 'mild'),
    ('el bebé duerme mucho, más de lo normal', 'mild'),
    ('bit of a temp on saturday but nothing since sunday, all good now', 'ok'),
]


# Round 124 (the forty-third session): well once is not well now ("hace una hora estaba
# bien" of a husband who is suddenly confused), a severe headache's degree taken back with
# its real grade, squeamishness told as a trait, a fright told as a "mini heart attack",
# a swollen pride, the writer set apart ("yo estoy solo cansada"), "ganas de devolver",
# and symptoms told as over by a day or "not since".
WAS_WELL_AND_TAKEN_BACK = [
    ('Mi esposo no sabe dónde está y me pregunta lo mismo, hace una hora estaba bien',
     'emergency'),
    ('mi esposo se desmayó en la cocina y me asusté, antes estaba bien', 'emergency'),
    ('mi hermano se desmayó en el trabajo, yo estoy solo cansada', 'mild'),
    ('my dad doesnt know where he is and keeps asking me the same thing, an hour ago he was '
     'fine', 'emergency'),
    ('my husband has a cold, I\'m fine', 'ok'),
    ('migraña horrible, bueno no tanto, un 3 de 10 nomás', 'mild'),
    ('this headache is brutal, ok not really, a 2/10', 'mild'),
    ('massive headache jk', 'urgent'),
    ('the kids say id faint at the sight of a needle', 'unclear'),
    ('mi esposa dice que me desmayo con solo ver sangre', 'unclear'),
    ('fainted at the sight of the needle this morning', 'emergency'),
    ('had a mini heart attack when the doorbell rang haha, all fine', 'ok'),
    ('had a mini heart attack walking up the hill, chest still tight', 'emergency'),
    ('had a little heart attack as i came up the stairs', 'emergency'),
    ('se me infló el ego con el partido, todo bien', 'ok'),
    ('se me hinchó el tobillo otra vez', 'urgent'),
    ('tengo poquitas ganas de devolver desde la mañana', 'mild'),
    ('the achiness went Saturday, all good', 'ok'),
    ('felt shivery on Monday but not since', 'ok'),
    ('amanecí nuevecita hoy', 'ok'),
    ('sweet as, no worries', 'ok'),
]


# Rounds 125 and 126 (the forty-fourth session): the sight of one eye gone, a breathing
# struggle told with its degree, confusion "with" a person (not a mix-up over a thing), a
# limb sign above the drip's site, a worsening only supposed ("let ya know if"), a faint
# foretold by another, a shock at a bill, the writer's own side effects "zero", and the
# weather's words kept as words ("40 grados en la calle" is not "la call").
SIGHT_STRUGGLE_AND_THE_STREET = [
    ('the sight in my right eye just went, all black that side', 'emergency'),
    ('the sight of my right eye went an hour ago', 'emergency'),
    ('my breathing is a bit of a struggle this morning', 'emergency'),
    ('mums breathing has been a real struggle since lunch', 'emergency'),
    ('a lot of confusion with my husband since lunch, he keeps asking the same thing',
     'emergency'),
    ('bit of confusion with my appointment time, sorry', 'unclear'),
    ('arm swollen and red above where the needle was', 'urgent'),
    ('arm a bit sore where the iv was', 'mild'),
    ('mild headache, will let ya know if it gets worse', 'mild'),
    ('my wife swore id pass out when they put the line in, didnt happen', 'unclear'),
    ('the real heart attack was opening the hospital bill', 'unclear'),
    ('my daughter has a fever of 39 but my own side effects are zero', 'ok'),
    ('mi hijo tiene fiebre de 39 pero mis efectos secundarios cero', 'ok'),
    ('hace 38 grados en la calle y yo con un poco de dolor de cabeza', 'mild'),
    ('tengo 38.5 de fiebre, no salgo a la calle', 'urgent'),
]


# Round 127 (the forty-fifth session): confusion told on after "y que" (not a muddle over
# a thing), questions asked a counted number of times, the straw and the stop in Spanish
# breathing, one leg set against the other (not the writer saying they are well), and a
# plan told in the past tense ("if I got chest pain I'd call").
COUNTED_STRAWS_AND_SIDES = [
    ('mi hijo dice que ando confundida y que le pregunté dos veces dónde estaba',
     'emergency'),
    ('anoche mi mamá preguntó varias veces qué día era', 'emergency'),
    ('estoy confundida con lo que me dijeron de la dosis', 'unclear'),
    ('de repente estoy confundida y que susto', 'emergency'),
    ('respiro como por un popote desde la mañana', 'emergency'),
    ('siento que respiro con una pajita', 'emergency'),
    ('me sofoqué en la escalera y me tuve que sentar a media subida', 'emergency'),
    ('me agité con la noticia del partido, jaja, pero estoy bien', 'ok'),
    ("My wife's left ankle is puffy and hot when I press on it, right one is fine", 'urgent'),
    ("If I got chest pain I'd call 999. Not had any, feeling great", 'ok'),
]

# Round 128: the writer's own needle makes a fainting relative a bystander; going told by
# how little comes.
BYSTANDERS_AND_DRIBBLES = [
    ("My wife passed out watching my cannula go in haha, I'm totally fine", 'ok'),
    ('mi esposo se desmayó al ver mi aguja jaja, yo estoy bien', 'ok'),
    ('my husband went white and fainted watching my infusion, im ok', 'ok'),
    ("my daughter fainted when she saw the needle, I'm fine", 'emergency'),
    ('My husband fainted at the sight of my needle', 'emergency'),
    ("had all the water the nurse said but im only going a teeny bit, like drops", 'urgent'),
    ('been drinking loads but only going a few drops', 'urgent'),
    ('only going a tiny bit slower on my walks today', 'unclear'),
    ('llevo todo el día tomando agua y solo salen unas gotas al orinar', 'urgent'),
]


FAMILIES = {
    "faint_as_a_story": FAINT_AS_A_STORY,
    "chest_everyday": CHEST_EVERYDAY,
    "thunderclap": THUNDERCLAP,
    "breathing_sound_effort": BREATHING_SOUND_EFFORT,
    "one_side_and_sight": ONE_SIDE_AND_SIGHT,
    "urine_words": URINE_WORDS,
    "iv_arm_clot": IV_ARM_CLOT,
    "allergic_swelling": ALLERGIC_SWELLING,
    "spelled_temperature": SPELLED_TEMPERATURE,
    "not_the_patient_now": NOT_THE_PATIENT_NOW,
    "well_or_asking": WELL_OR_ASKING,
    "carers": CARERS,
    "one_side_numb_by_verb": ONE_SIDE_NUMB_BY_VERB,
    "urine_told_loosely": URINE_TOLD_LOOSELY,
    "tired_idioms": TIRED_IDIOMS,
    "well_and_figures": WELL_AND_FIGURES,
    "requests_without_a_mark": REQUESTS_WITHOUT_A_MARK,
    "voice_to_text": VOICE_TO_TEXT,
    "heart_idioms": HEART_IDIOMS,
    "throat_shrinking": THROAT_SHRINKING,
    "carer_confusion": CARER_CONFUSION,
    "faint_waking": FAINT_WAKING,
    "urine_blood_in_it": URINE_BLOOD_IN_IT,
    "near_faint_standing": NEAR_FAINT_STANDING,
    "fever_beside_a_number": FEVER_BESIDE_A_NUMBER,
    "jaundice_whites": JAUNDICE_WHITES,
    "iv_arm_hot_or_sore": IV_ARM_HOT_OR_SORE,
    "old_history": OLD_HISTORY,
    "plan_said_back": PLAN_SAID_BACK,
    "only_a_figure_and_all_clear": ONLY_A_FIGURE_AND_ALL_CLEAR,
    "one_limb_not_mine": ONE_LIMB_NOT_MINE,
    "breath_on_a_short_walk": BREATH_ON_A_SHORT_WALK,
    "swelling_by_what_it_does": SWELLING_BY_WHAT_IT_DOES,
    "one_site_two_readings": ONE_SITE_TWO_READINGS,
    "named_not_felt": NAMED_NOT_FELT,
    "looking_for_a_sign": LOOKING_FOR_A_SIGN,
    "well_so_far": WELL_SO_FAR,
    "stopping_to_breathe": STOPPING_TO_BREATHE,
    "not_at_all": NOT_AT_ALL,
    "colour_and_words_told_loosely": COLOUR_AND_WORDS_TOLD_LOOSELY,
    "animals_and_gyms_in_figures": ANIMALS_AND_GYMS_IN_FIGURES,
    "collapse_as_a_picture": COLLAPSE_AS_A_PICTURE,
    "seen_in_the_toilet": SEEN_IN_THE_TOILET,
    "nothing_of_that": NOTHING_OF_THAT,
    "daily_life_as_a_blow": DAILY_LIFE_AS_A_BLOW,
    "confusion_and_standing_told_by_carers": CONFUSION_AND_STANDING_TOLD_BY_CARERS,
    "relief_that_comes_and_goes": RELIEF_THAT_COMES_AND_GOES,
    "told_as_over_in_a_list": TOLD_AS_OVER_IN_A_LIST,
    "shows_and_leaflets": SHOWS_AND_LEAFLETS,
    "comes_back": COMES_BACK,
    "chest_and_head_in_everyday_words": CHEST_AND_HEAD_IN_EVERYDAY_WORDS,
    "not_theirs_not_now": NOT_THEIRS_NOT_NOW,
    "tired_and_well_said_plainly": TIRED_AND_WELL_SAID_PLAINLY,
    "a_new_sentence_about_something_else": A_NEW_SENTENCE_ABOUT_SOMETHING_ELSE,
    "well_in_any_form_and_someone_else": WELL_IN_ANY_FORM_AND_SOMEONE_ELSE,
    "dreams_scores_and_dialect": DREAMS_SCORES_AND_DIALECT,
    "over_since_yesterday": OVER_SINCE_YESTERDAY,
    "asked_over_and_over": ASKED_OVER_AND_OVER,
    "asked_in_general_and_everyday_idioms": ASKED_IN_GENERAL_AND_EVERYDAY_IDIOMS,
    "checklist_echoed_and_figures": CHECKLIST_ECHOED_AND_FIGURES,
    "hedged_over_and_named_fears": HEDGED_OVER_AND_NAMED_FEARS,
    "amounts_denials_and_falls": AMOUNTS_DENIALS_AND_FALLS,
    "well_and_weary_in_everyday_words": WELL_AND_WEARY_IN_EVERYDAY_WORDS,
    "weights_lists_and_baselines": WEIGHTS_LISTS_AND_BASELINES,
    "scores_tinges_and_not_even": SCORES_TINGES_AND_NOT_EVEN,
    "denials_that_stop_and_old_words": DENIALS_THAT_STOP_AND_OLD_WORDS,
    "what_the_second_reader_caught": WHAT_THE_SECOND_READER_CAUGHT,
    "droops_strikes_and_scots": DROOPS_STRIKES_AND_SCOTS,
    "openers_squeezes_and_bills": OPENERS_SQUEEZES_AND_BILLS,
    "passed_signs_deaths_and_weekdays": PASSED_SIGNS_DEATHS_AND_WEEKDAYS,
    "oximeters_baselines_and_fits": OXIMETERS_BASELINES_AND_FITS,
    "readings_thresholds_and_the_patient_named": READINGS_THRESHOLDS_AND_THE_PATIENT_NAMED,
    "drips_finished_limbs_and_everyday_words": DRIPS_FINISHED_LIMBS_AND_EVERYDAY_WORDS,
    "words_of_the_language_and_what_always_comes": WORDS_OF_THE_LANGUAGE_AND_WHAT_ALWAYS_COMES,
    "lists_over_deaths_and_sudden_words": LISTS_OVER_DEATHS_AND_SUDDEN_WORDS,
    "checklists_faintness_and_life_again": CHECKLISTS_FAINTNESS_AND_LIFE_AGAIN,
    "weights_on_the_chest_half_the_sight_and_long_gone":
        WEIGHTS_ON_THE_CHEST_HALF_THE_SIGHT_AND_LONG_GONE,
    "breath_told_by_what_stops_corrections_and_confirmations":
        BREATH_TOLD_BY_WHAT_STOPS_CORRECTIONS_AND_CONFIRMATIONS,
    "carers_words_what_is_over_and_who_sees": CARERS_WORDS_WHAT_IS_OVER_AND_WHO_SEES,
    "past_fears_rooms_and_drops": PAST_FEARS_ROOMS_AND_DROPS,
    "another_time_and_words_that_wont_come": ANOTHER_TIME_AND_WORDS_THAT_WONT_COME,
    "muddled_exploded_and_sentences": MUDDLED_EXPLODED_AND_SENTENCES,
    "degrees_weights_blood_and_my_own_infusion": DEGREES_WEIGHTS_BLOOD_AND_MY_OWN_INFUSION,
    "not_able_pink_froth_and_screen_strokes": NOT_ABLE_PINK_FROTH_AND_SCREEN_STROKES,
    "out_for_a_minute_and_water_not_made": OUT_FOR_A_MINUTE_AND_WATER_NOT_MADE,
    "run_together_usual_and_like_last_time": RUN_TOGETHER_USUAL_AND_LIKE_LAST_TIME,
    "lists_filled_in_and_signs_denied_in_one_breath":
        LISTS_FILLED_IN_AND_SIGNS_DENIED_IN_ONE_BREATH,
    "not_quite_taken_back_and_thought_seen": NOT_QUITE_TAKEN_BACK_AND_THOUGHT_SEEN,
    "sizes_seen_confusion_and_dyes": SIZES_SEEN_CONFUSION_AND_DYES,
    "answers_carry_their_question": ANSWERS_CARRY_THEIR_QUESTION,
    "lines_quoted_and_readings_dated": LINES_QUOTED_AND_READINGS_DATED,
    "what_ends_and_what_does_not": WHAT_ENDS_AND_WHAT_DOES_NOT,
    "red_flags_the_rules_left_to_the_second_reader":
        RED_FLAGS_THE_RULES_LEFT_TO_THE_SECOND_READER,
    "told_by_what_was_seen": TOLD_BY_WHAT_WAS_SEEN,
    "denials_taken_back_and_ends_told_plainly": DENIALS_TAKEN_BACK_AND_ENDS_TOLD_PLAINLY,
    "readings_asked_and_set_right": READINGS_ASKED_AND_SET_RIGHT,
    "counted_confused_and_over": COUNTED_CONFUSED_AND_OVER,
    "readings_spreads_and_clefts": READINGS_SPREADS_AND_CLEFTS,
    "differences_errands_and_texts_set_right": DIFFERENCES_ERRANDS_AND_TEXTS_SET_RIGHT,
    "sites_spins_and_counts_passed": SITES_SPINS_AND_COUNTS_PASSED,
    "passed_water_gone_years_and_the_first_one": PASSED_WATER_GONE_YEARS_AND_THE_FIRST_ONE,
    "denials_taken_back_scales_and_last_week": DENIALS_TAKEN_BACK_SCALES_AND_LAST_WEEK,
    "light_borne_and_none_of_that": LIGHT_BORNE_AND_NONE_OF_THAT,
    "floors_siblings_and_times_taken": FLOORS_SIBLINGS_AND_TIMES_TAKEN,
    "said_untrue_neither_and_watched_for": SAID_UNTRUE_NEITHER_AND_WATCHED_FOR,
    "kin_readings_and_sprints_at_rest": KIN_READINGS_AND_SPRINTS_AT_REST,
    "gone_out_swimmy_and_water_made": GONE_OUT_SWIMMY_AND_WATER_MADE,
    "thought_swollen_leaflet_lists_and_same_questions":
        THOUGHT_SWOLLEN_LEAFLET_LISTS_AND_SAME_QUESTIONS,
    "dark_in_the_bath_fillers_and_not_going": DARK_IN_THE_BATH_FILLERS_AND_NOT_GOING,
    "hotels_at_home_and_minutes_gone_by": HOTELS_AT_HOME_AND_MINUTES_GONE_BY,
    "bricks_on_top_puffed_and_disnae": BRICKS_ON_TOP_PUFFED_AND_DISNAE,
    "asides_all_gone_and_prices": ASIDES_ALL_GONE_AND_PRICES,
    "past_between_reducers_and_yo_con": PAST_BETWEEN_REDUCERS_AND_YO_CON,
    "instead_yolk_and_echoes": INSTEAD_YOLK_AND_ECHOES,
    "normals_turned_air_and_sides": NORMALS_TURNED_AIR_AND_SIDES,
    "first_times_plurals_and_tipping_over": FIRST_TIMES_PLURALS_AND_TIPPING_OVER,
    "standing_up_again_usuals_and_others": STANDING_UP_AGAIN_USUALS_AND_OTHERS,
    "not_breathing_signs_asked_and_people_gone": NOT_BREATHING_SIGNS_ASKED_AND_PEOPLE_GONE,
    "asked_then_had_kitchens_and_wards": ASKED_THEN_HAD_KITCHENS_AND_WARDS,
    "loos_elephants_and_nurses_findings": LOOS_ELEPHANTS_AND_NURSES_FINDINGS,
    "glued_i_compared_and_watched_for": GLUED_I_COMPARED_AND_WATCHED_FOR,
    "stars_sentences_and_named_clots": STARS_SENTENCES_AND_NAMED_CLOTS,
    "rested_courses_and_patients_named": RESTED_COURSES_AND_PATIENTS_NAMED,
    "eased_answers_and_names": EASED_ANSWERS_AND_NAMES,
    "flushing_spans_and_figures": FLUSHING_SPANS_AND_FIGURES,
    "asked_by_another": ASKED_BY_ANOTHER,
    "though_relievers_and_where_it_went_in": THOUGH_RELIEVERS_AND_WHERE_IT_WENT_IN,
    "own_lists_letters_and_faint_colours": OWN_LISTS_LETTERS_AND_FAINT_COLOURS,
    "sight_through_writers_and_long_items": SIGHT_THROUGH_WRITERS_AND_LONG_ITEMS,
    "held_readings_and_idioms_of_well": HELD_READINGS_AND_IDIOMS_OF_WELL,
    "only_asking_and_shown_pain": ONLY_ASKING_AND_SHOWN_PAIN,
    "feared_and_absent": FEARED_AND_ABSENT,
    "read_dreamt_and_scored": READ_DREAMT_AND_SCORED,
    "degrees_sites_and_the_rest": DEGREES_SITES_AND_THE_REST,
    "comparisons_hearsay_and_none_of_the_list": COMPARISONS_HEARSAY_AND_NONE_OF_THE_LIST,
    "before_still_to_come_and_call_me": BEFORE_STILL_TO_COME_AND_CALL_ME,
    "tails_drip_arms_and_stops_before": TAILS_DRIP_ARMS_AND_STOPS_BEFORE,
    "sounds_subjects_and_returns_again": SOUNDS_SUBJECTS_AND_RETURNS_AGAIN,
    "outta_progressives_and_examples": OUTTA_PROGRESSIVES_AND_EXAMPLES,
    "was_well_and_taken_back": WAS_WELL_AND_TAKEN_BACK,
    "sight_struggle_and_the_street": SIGHT_STRUGGLE_AND_THE_STREET,
    "counted_straws_and_sides": COUNTED_STRAWS_AND_SIDES,
    "bystanders_and_dribbles": BYSTANDERS_AND_DRIBBLES,
}


@pytest.mark.parametrize("text,level", [case for family in FAMILIES.values() for case in family])
def test_family_reads_at_its_level_by_the_rules_alone(text: str, level: str) -> None:
    """The rules read each one: the second reader (which learnt the batches) is not asked."""
    result = triage(text, second_reader=None)
    assert result.level == level, result


@pytest.mark.parametrize("family", FAMILIES.values(), ids=FAMILIES.keys())
def test_each_family_has_english_and_spanish(family: list[tuple[str, str]]) -> None:
    assert {triage(text).language for text, _ in family} >= {"en", "es"}
