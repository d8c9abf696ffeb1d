package tagging

import (
	"strings"
)

// The words the role analysis (roles.go) reads the grammar of a sentence
// by. They are the language of reporting, not of any topic: how reports
// name an office, which words are verbs, which introduce a reason or a
// hypothesis.

// officeWords are the nouns that head a government actor's name in a
// subject ("Hong Kong police", "Chinese officials", "the Irish government",
// "a Hong Kong court"). A place or an adjective heading anything else
// ("Hong Kong democracy campaigners") is not the government.
var officeWords = wordSet(`government governments administration authorities authority police force court courts
	judge judges tribunal ministry ministries minister ministers secretary secretaries spokesman spokeswoman
	spokesperson spokespeople official officials embassy consulate consul mission president premier chancellor
	chief executive leader leaders leadership cabinet council committee commission department departments office
	bureau agency agencies parliament congress senate house legislature lawmakers legislators diplomats diplomat
	ambassador envoy regime party side prosecutors prosecution state states delegation representative
	representatives treasury customs regulator regulators army military navy liaison foreign`)

// peopleWords are office words for people, who may as well be what a
// measure is done to ("the officials designated today"): they head an
// actor's name ("Chinese officials said") but do not stand for one alone.
var peopleWords = wordSet(`official officials diplomat diplomats judge judges lawmakers legislators
	representatives prosecutors members`)

// thingWords head the names of things, not of people or offices: "the
// Hong Kong Autonomy Act" names a law, not Hong Kong acting.
var thingWords = wordSet(`act acts law laws bill bills ordinance order treaty agreement agreements declaration
	convention report statement rule rules regulation regulations policy plan strategy programme program scheme
	project fund index market exchange stock stocks sevens airport harbour port`)

// npWords may stand inside a subject before its head without being its
// verb: determiners, prepositions of names ("Minister of Foreign
// Affairs"), and modifiers of offices ("senior", "federal", "top").
var npWords = wordSet(`the a an of and & its their his her our for de du von van der in at to on
	senior top former new federal local central national deputy acting chief assistant special regional
	municipal state city city's country's nation's prime vice general high foreign home interior justice
	affairs security public external commerce trade finance defence defense immigration human rights
	two three four five six seven eight nine ten several some many both all other another joint`)

// auxiliaries are verbs by themselves.
var auxiliaries = wordSet(`is are was were be been being has have had will would can could may might shall should
	must did does do 's 're`)

// irregularVerbs are past forms that do not end in -ed.
var irregularVerbs = wordSet(`said told took made gave found held brought sought put set hit cut began begun came
	went led met left kept sent stood won struck wrote written spoke spoken broke broken chose became rose fell saw
	knew thought paid laid built fought drew froze frozen withdrew withdrawn forbade got gotten ran read shut
	spread upheld overturned`)

// verbStems are measure and speech verbs in their base form; with their
// -s, -es, -ed and -ing forms they mark the end of a subject even in a
// headline, where every word is capitalised ("Canada Suspends Treaty").
var verbStems = wordSet(`announce suspend impose sanction slam condemn urge warn say add ban end launch offer place
	pass sign back approve adopt extend remove hit slap denounce express call criticise criticize reject oppose
	support vow threaten consider plan seek join issue publish release declare decide introduce revoke freeze block
	arrest charge convict sentence jail detain raid order require restrict halt terminate cancel scrap grant expand
	tighten tell deplore regret welcome unveil open close lift bar deny refuse target punish retaliate respond
	accuse summon protest vote veto enact promulgate gazette label list designate move demand ask begin start stop
	drop reach agree confirm report certify find rule fine expel deport recall withdraw boycott dismiss reiterate
	stress note state tweet write post emphasise emphasize underline affirm reaffirm hold keep set name appoint
	resign quit brand pledge promise commit take make give get do hit strike cite describe voice lodge file submit
	inform notify advise mark put bring sue indict prosecute try acquit convict rule uphold press act retaliate
	counter apply treat change update adjust revise review reassess assess recognise recognize honour honor meet
	speak talk visit travel flee abscond escape leave stay return include remain continue face represent reflect
	mean show come become contain cover identify allow permit prohibit provide create establish see seem appear
	let help use need want hope expect believe know think feel receive carry pose raise lower reduce increase limit
	curb ease lead cause follow affect concern involve allege suggest indicate involve mark warrant merit deserve
	undermine erode violate breach damage harm threaten protect defend safeguard ensure stand`)

// verbForms expands verbStems into their inflected forms.
var verbForms = func() map[string]bool {
	m := map[string]bool{}
	for stem := range verbStems {
		m[stem] = true
		m[stem+"s"] = true
		m[stem+"es"] = true
		m[stem+"ing"] = true
		if strings.HasSuffix(stem, "e") {
			m[stem+"d"] = true
			m[stem[:len(stem)-1]+"ing"] = true
		} else {
			m[stem+"ed"] = true
		}
		if strings.HasSuffix(stem, "y") {
			m[stem[:len(stem)-1]+"ies"] = true
			m[stem[:len(stem)-1]+"ied"] = true
		}
		// bans, banned; slaps, slapped; bars, barred
		if n := len(stem); n >= 3 && isConsonant(stem[n-1]) && !isConsonant(stem[n-2]) && isConsonant(stem[n-3]) &&
			!strings.ContainsRune("wxy", rune(stem[n-1])) {
			last := stem[n-1:]
			m[stem+last+"ed"] = true
			m[stem+last+"ing"] = true
		}
	}
	return m
}()

func isConsonant(b byte) bool { return !strings.ContainsRune("aeiou", rune(b)) }

// pronouns stand for an actor named before.
var pronouns = wordSet(`we he she it they i`)

// actionNouns are nouns of acts: their possessor acts ("China's decision
// to", "the CPG's imposition of sanctions", "Beijing's sanctions"). The
// possessor of anything else owns it ("Hong Kong's extradition treaty").
var actionNouns = wordSet(`imposition decision decisions suspension termination move moves announcement adoption
	passage enactment crackdown response retaliation sanctions countermeasures counter-measures counter-sanctions
	arrest arrests prosecution ban bans restrictions curbs measures action actions offer bounty bounties warrants
	conviction convictions verdict verdicts ruling law laws legislation statement declaration condemnation order
	orders rule rules designation designations listing certification report`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
