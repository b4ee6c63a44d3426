# Rule words of odziv: negators, boosters and diminishers, contrast and irony markers, English and BCS
# together (no word here means something else in the other language). Written for odziv by its developers.

[negation en]
# Negates in English posts only: in BCS "no" means "but".
no

[negation]
# A negator flips (and weakens) the polarity of valence words up to three words after it, within the
# clause. English "n't" forms need no entry: every word ending in "n't" negates.
not
never
nothing
nobody
none
neither
nor
nowhere
cannot
cant
dont
doesnt
didnt
isnt
wasnt
arent
werent
wont
wouldnt
shouldnt
couldnt
havent
hasnt
hadnt
aint
without
hardly
barely
ne
nije
nisam
nisi
nismo
niste
nisu
neće
neću
nećeš
nećemo
nećete
nemoj
nemojte
nemam
nemaš
nema
nemamo
nemate
nemaju
nikad
nikada
nikako
nimalo
ni
niti
bez
ništa
ništ
nitko
niko
nijedan
nijedna
nijedno
nebi
nebih
nemrem
не
није
нисам
нема
никад

[booster]
# A factor on the next valence word (within two words): above 1 strengthens, below 1 weakens.
very 1.3
really 1.3
so 1.25
extremely 1.45
totally 1.3
absolutely 1.35
incredibly 1.4
super 1.3
too 1.15
quite 1.1
truly 1.3
highly 1.3
most 1.2
much 1.15
such 1.2
especially 1.2
utterly 1.4
deeply 1.3
remarkably 1.3
thoroughly 1.3
entirely 1.2
completely 1.3
seriously 1.2
fucking 1.4
damn 1.2
freaking 1.3
soo 1.3
sooo 1.35
slightly 0.6
somewhat 0.7
kinda 0.7
kind of 0.7
sort of 0.7
a bit 0.7
a little 0.7
little 0.8
fairly 0.9
marginally 0.6
partly 0.7
almost 0.8
mildly 0.6
jako 1.35
veoma 1.35
vrlo 1.3
baš 1.3
mnogo 1.25
puno 1.2
previše 1.3
izuzetno 1.4
iznimno 1.4
totalno 1.3
skroz 1.3
stvarno 1.25
zaista 1.25
uistinu 1.25
zbilja 1.25
strašno 1.4
užasno 1.4
jebeno 1.4
prokleto 1.3
tako 1.2
toliko 1.2
posebno 1.2
potpuno 1.3
apsolutno 1.35
krajnje 1.3
neverovatno 1.4
nevjerovatno 1.4
nevjerojatno 1.4
ultra 1.3
mega 1.3
dosta 1.1
prilično 1.05
malo 0.7
pomalo 0.7
donekle 0.7
ponešto 0.7
relativno 0.8
skoro 0.8
gotovo 0.8

[contrast]
# What follows a contrast word weighs more than what went before ("good, but slow" is negative).
but
however
nevertheless
nonetheless
ali
al
međutim
ipak
samo što

[contrast bcs]
# Contrast in BCS posts only.
no

[irony]
# Positive text with one of these reads negative.
sarcasm
sarcastic
yeah right
sarkazam
sarkastično
sarkasticno
ironija

[concession]
# A concession word opens a clause the author grants and then sets aside ("although it is cheap, it broke";
# "great, despite the price"): that clause, up to the next comma or sentence end, weighs 0.5×, the rest 1.5×.
although
though
despite
in spite of
albeit
iako
mada
premda
uprkos
unatoč
usprkos
