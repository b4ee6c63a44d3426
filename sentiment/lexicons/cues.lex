# Topics (contact reasons) and intents of odziv, English and BCS. Written for odziv by its developers.
# A section "[topic NAME]" or "[intent NAME]" lists words and phrases that show it; a word ending in '*'
# is a prefix. The judge adds derived answers on top (docs/judging.md): "question" also from '?',
# "complaint" also from negative sentiment about a topic, "praise" also from clearly positive sentiment,
# "other" when no topic matched.

[topic delivery]
delivery
deliver*
shipping
shipment
shipped
package
parcel
courier
tracking
dispatch*
arrived
arrive
dostav*
isporu*
paket*
pošiljk*
kurir*
poštar*
narudžb*
porudžbin*
stiglo
stigla
stigao
stiže
dhl
fedex
gls

[topic billing]
bill
billing
billed
invoice*
charged
charge
overcharged
refund*
payment*
paid
chargeback
subscription
račun
računa
računu
faktur*
naplat*
naplać*
povrat novca
vratite novac
vratite mi novac
uplat*
plaćanj*
platio
platila
platili
platiti
pretplat*
kartic*

[topic quality]
quality
broken
defect*
faulty
damaged
stopped working
doesn't work
does not work
not working
poor quality
kvalitet*
kvar
kvara
pokvar*
neisprav*
oštećen*
slomljen*
slomio
slomilo
ne radi
ne rade
prestao raditi
prestalo raditi
lošeg kvaliteta

[topic staff]
staff
employee*
service
support
agent
rude
waiter
waitress
cashier
operater*
operator*
osoblje
zaposlen*
radnik
radnica
radnici
prodavač*
konobar*
šalter*
službeni*
podrška
podršku
podrške
usluga
usluge
uslugu
neljubaz*
bezobraz*

[topic account]
account
login
log in
password
sign in
locked
hacked
verification
nalog
nalogu
naloga
profil
lozink*
šifr*
prijava
prijaviti
prijavim
hakiran*
hakovan*
zaključan*
blokiran*

[topic price]
price*
pricing
expensive
overpriced
cheap*
cost
costs
discount*
cijen*
cena
cene
cenu
cenom
cenovn*
skup
skupo
skuplj*
preskup*
jeftin*
popust*
košta
koštaju
poskupljenj*
poskupi*

[topic availability]
outage
offline
unavailable
out of stock
sold out
not available
no signal
no internet
no service
down again
is down
nestanak
nestalo
nedostup*
rasprodan*
nema struje
nema signala
nema interneta
nema mreže
nema na stanju
pao sistem
pala mreža
prekid*
smetnj*

[topic praise]
thank*
thanks
great job
well done
kudos
bravo
hvala
svaka čast
pohval*
sve pohvale
preporuč*
skidam kapu

[intent complaint]
complaint
complain*
unacceptable
still waiting
no response
no reply
worst service
reklamacij*
žalb*
žalim se
prigovor*
neprihvatljiv*
još čekam
još uvijek čekam
još uvek čekam
čekam već
niko ne odgovara
nitko ne odgovara
niko se ne javlja
nitko se ne javlja

[intent question]
how
what
why
when
where
who
which
can
could
does
do
is
are
will
any update
kako
zašto
kada
kad
gdje
gde
ko
tko
šta
koliko
da li
jel
jeli
je li
može li
moze li
ima li
imate li

[intent churn_threat]
cancel my
cancelling
canceling
switching to
switch to
leaving
unsubscribe
close my account
never again
never buying
last time
otkazujem
otkazat*
otkazaću
otkazat ću
otkazao
otkazala
raskidam
raskinut*
raskid ugovora
prelazim
prelazimo
nikad više
nikada više
zadnji put
posljednji put
poslednji put
mijenjam operatera
menjam operatera
konkurencij*
idem kod

[intent purchase_intent]
want to buy
where can i buy
where to buy
how much is
how much does
do you sell
in stock
interested in
would like to order
kupiti
kupit
kupila bih
kupio bih
želim kupiti
gdje mogu kupiti
gde mogu kupiti
gdje kupiti
gde kupiti
koliko košta
koliko koštaju
naručiti
naručio bih
naručila bih
zainteresovan*
zainteresiran*

[intent legal_threat]
lawyer*
attorney*
sue
suing
lawsuit*
legal action
court
consumer protection
advokat*
odvjetni*
tužb*
tužit*
tužiću
tužit ću
tužim
sud
sudu
sudsk*
inspekcij*
zaštita potrošača
zaštitu potrošača
zaštite potrošača
ombudsman*

[intent safety]
injury
injured
food poisoning
poisoning
poisoned
hospital
allergic
allergy
burned
burnt
caught fire
on fire
smoke
exploded
explode*
electric shock
choking
unsafe
toxic
mold
mould
trovanj*
otrov*
otrovan*
povred*
povrijed*
ozljed*
bolnic*
hitna pomoć
alergij*
alergič*
opekl*
opekotin*
zapalio
zapalila
zapalilo
požar*
eksplodir*
strujni udar
opasn*
crvi
buđ*

[intent urgent]
urgent
urgently
asap
emergency
immediately
right now
hitno
hitan
hitna
odmah
što prije
što hitnije
što pre
čim prije
čim pre

[intent abuse]
idiot*
moron*
retard*
fuck you
fuck off
stfu
shut up
bitch*
asshole*
scum
go to hell
debil*
kreten*
budal*
majmun*
jebem ti
jebem vam
jebo te
jebo vas
pička
pičko
pizda
pizdo
govedo
stoka
šupak
šupci
kurac
glupan*
glupač*
odjebi
sikter
smeće jedno

[intent spam]
click here
free followers
follow back
follow me
dm for
promo code
earn money
make money
work from home
crypto
bitcoin
forex
onlyfans
zaradite
zarada od kuće
klikni ovde
klikni ovdje
link u bio
besplatni pratioci
