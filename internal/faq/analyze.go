package faq

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQueryRunes is how much of a question is searched. Real questions are far
// shorter; cutting bounds the work any input can cause.
const MaxQueryRunes = 400

// words splits s into lower-case words of letters and digits. It reads at
// most limit runes, drops invalid UTF-8, and turns "cto's" into "cto" so
// possessives match.
//
// After a personal possessive ("our CTO's birthday") the "'s" stays: that
// names a particular person, and the analyzer treats it apart.
func words(s string, limit int, dst []string) []string {
	// A word that needs no change (most are lower-case ASCII already) is a
	// slice of s; only the others are built in b, and copied. Before each
	// byte i, three variables hold the word being read:
	//   start < 0: no word has started; simple is true and b is empty.
	//   simple:    the word so far is s[start:i]; b is empty and unused.
	//   !simple:   the word so far is b (lower-cased, ’ as '); s[start:i]
	//              is only where it came from.
	// flush restores the first state.
	var b []byte
	start, simple := -1, true
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := s[start:end]
		if !simple {
			w = string(b)
		}
		start, simple, b = -1, true, b[:0]
		if n := len(dst); n == 0 || !isPersonalPossessive(dst[n-1]) {
			w = strings.TrimSuffix(w, "'s")
		}
		if w = strings.Trim(w, "'"); w != "" {
			dst = append(dst, w)
		}
	}
	n, i := 0, 0
	for i < len(s) && n < limit {
		n++
		if c := s[i]; c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '\'' && start >= 0:
				if start < 0 {
					start = i
				}
				if !simple {
					b = append(b, c)
				}
			case 'A' <= c && c <= 'Z':
				if start < 0 {
					start = i
				}
				if simple {
					b, simple = append(b, s[start:i]...), false
				}
				b = append(b, c+'a'-'A')
			default:
				flush(i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			flush(i)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			if lr := unicode.ToLower(r); lr != r || !simple {
				if simple {
					b, simple = append(b, s[start:i]...), false
				}
				b = utf8.AppendRune(b, lr)
			}
		case r == '’' && start >= 0:
			if simple {
				b, simple = append(b, s[start:i]...), false
			}
			b = append(b, '\'')
		default:
			flush(i)
		}
		i += size
	}
	flush(i)
	return dst
}

// isPersonalPossessive reports whether w makes a following "X's" a
// particular person's ("our CTO's manager").
func isPersonalPossessive(w string) bool {
	switch w {
	case "our", "my", "your", "his", "her", "their":
		return true
	}
	return false
}

// phrase maps a run of words to one canonical term.
type phrase struct {
	words []string
	term  string
	stems []string // the stems of words: phrases match inflected forms too
}

// defaultPhrases maps multi-word names to one canonical term, so "chief AI
// officer" and "CAIO" are the same thing to the ranking. They match on
// stems, and the longest match wins.
func defaultPhrases() []phrase {
	p := func(s, term string) phrase { return phrase{words: strings.Fields(s), term: term} }
	return []phrase{
		p("chief artificial intelligence officer", "caio"),
		p("chief technology officer", "cto"),
		p("chief technical officer", "cto"),
		p("chief ai officer", "caio"),
		p("head of ai", "caio"),
		p("vp of ai", "caio"),
		p("director of ai", "caio"),
		p("head of engineering", "cto"),
		p("vp of engineering", "cto"),
		p("head of technology", "cto"),
		p("technology leadership", "cto"),
		p("technology leader", "cto"),
		p("technical leadership", "cto"),
		p("technical leader", "cto"),
		p("engineering leader", "cto"),
		p("fractional advisor", "thisbot"),
		p("what can you do", "thisbot"),
		p("can you help", "thisbot"),
		p("ask you", "thisbot"),
		p("ai advisor", "consultant"),
		p("ai advisors", "consultant"),
		p("day in the life", "duties"),
		p("spend their time", "duties"),
		p("spend his time", "duties"),
		p("spend her time", "duties"),
		p("spend time", "duties"),
		p("foundation model", "vendor"),
		p("two execs", "both"),
		p("two executives", "both"),
		p("two leaders", "both"),
		p("artificial intelligence", "ai"),
		p("ai officer", "caio"),
		p("ai exec", "caio"),
		p("ai executive", "caio"),
		p("ai chief", "caio"),
		p("ai leader", "caio"),
		p("ai lead", "caio"),
		p("ai leadership", "caio"),
		p("vp engineering", "cto"),
		p("tech leadership", "cto"),
		p("tech leader", "cto"),
		p("tech exec", "cto"),
		p("tech executive", "cto"),
		p("technology executive", "cto"),
		p("tech chief", "cto"),
		p("part time", "fractional"),
		p("on demand", "fractional"),
		p("full time", "fulltime"),
		p("in house", "fulltime"),
		p("machine learning", "ml"),
		p("how much", "cost"),
		p("how long", "duration"),
		p("day to day", "duties"),
		p("work product", "deliverable"),
		p("hand over", "deliverable"),
		p("right time", "when"),
		p("what point", "when"),
		p("make sense", "when"),
		p("makes sense", "when"),
		p("too early", "when"),
		p("too soon", "when"),
		p("in hand", "deliverable"),
		p("bring in", "hire"),
		p("bring on", "hire"),
		p("brought in", "hire"),
		p("first steps", "start"),
		p("first step", "start"),
		p("first weeks", "start"),
		p("first week", "start"),
		p("first days", "start"),
		p("first month", "start"),
		p("month one", "start"),
		p("kick off", "start"),
		p("sign up", "start"),
		p("org chart", "team"),
		p("work with", "team"),
		p("report to", "team"),
		p("reports to", "team"),
		p("same person", "oneperson"),
		p("one person", "oneperson"),
		p("single person", "oneperson"),
		p("same guy", "oneperson"),
		p("one hire", "oneperson"),
		p("one exec", "oneperson"),
		p("one executive", "oneperson"),
		p("single executive", "oneperson"),
		p("single exec", "oneperson"),
		p("same thing", "differ"),
		p("tell apart", "differ"),
		p("in charge", "responsibl"), // not the "charge" of a fee
		p("road map", "roadmap"),
		p("this bot", "thisbot"),
		p("the bot", "thisbot"),
		p("this app", "thisbot"),
		p("slack app", "thisbot"),
		p("user experience", "customer"),
		p("customer experience", "customer"),
		p("due diligence", "fundraising"),
		p("short term", "duration"),
		p("long term", "duration"),
		p("multi year", "duration"),
	}
}

// defaultSynonyms maps single words to the canonical term of their concept:
// role names, the fractional model, cost, and the intents of the questions
// people ask (duties, deliverables, timing, ...). Typos are the typo
// matcher's job, not this table's. The second add of a concept holds words
// drawn from WordNet (synonyms and derived forms of the first list), kept
// where the sense is the one this domain means and the word is not common
// office talk in another sense ("expense report", "merge conflict").
func defaultSynonyms() map[string]string {
	m := make(map[string]string)
	add := func(term, words string) {
		for _, w := range strings.Fields(words) {
			m[w] = term
		}
	}
	add("caio", "caio caios cais")
	add("cto", "cto ctos")
	add("fractional", "fractional fractionals parttime interim ondemand timeshare")
	add("fulltime", "fulltime permanent salaried employee employees employ staffer")
	add("cost", `cost costs costing price prices pricing priced salary salaries rate rates budget
		budgets budgeting fee fees expensive cheap cheaper afford affordable spend pay paying charge
		charges comp compensation retainer costly money ballpark hourly invoice`)
	add("cost", `wage wages earnings remuneration expenditure payment payments paid pays invoices invoiced
		pricey inexpensive overpriced costed charged`)
	add("differ", `vs versus difference differences different differ distinguish compare compared
		comparison contrast distinct distinction separate separates overlap overlapping confuse
		confused mixing`)
	add("differ", `differentiate differentiates differentiated differentiation differentiating distinguishes
		distinguishing distinguishable differs differed differing divergence diverge contrasts contrasting
		comparable comparing compares comparisons distinctions separating separation apart unlike similar
		similarity similarities alike equivalent overlaps overlapped confusion confusing mixup`)
	add("consultant", "consultant consultants consultancy consulting contractor freelance freelancer agency")
	// "advisor" alone is this bot (Fractional Advisor); "AI advisor" is a
	// consultant, matched as a phrase first.
	add("consultant", "adviser advisers advisors contractors freelancers agencies consultancies")
	add("ai", "genai llm llms gpt")
	add("fundraising", `fundraising investor investors fundraise raise raising vc vcs funding series
		deck pitch diligence`)
	add("fundraising", "investing investment investments financing backers backer funders funder fundraiser valuation")
	add("duration", "duration length timeframe commitment")
	add("duration", "tenure lengthy durations timeframes")
	add("duties", "job jobs duties duty responsibilities responsibility tasks task daily routine plate busy week weekly")
	add("duties", "occupation chore chores obligation obligations workload workweek everyday")
	add("deliverable", "deliverable deliverables deliver output outputs produce artifacts artefacts tangible tangibles handover")
	add("deliverable", "artifact artefact produces produced producing delivers delivered delivering handoff handoffs handovers")
	add("when", "when timing signs signals triggers trigger stage moment")
	add("when", "indicator indicators signal juncture")
	add("order", "first order sequence sequencing")
	add("infra", "infra infrastructure backend platform cloud architecture systems")
	add("thisbot", "bot assessment questionnaire survey quiz advisor")
	add("govern", `governance compliance regulation regulations regulatory bias biased fairness
		unfair ethics ethical privacy security explainability explainable audit gdpr`)
	add("govern", `regulate regulated regulator regulators compliant comply auditor auditors audits auditing
		discriminatory discrimination prejudice protection cybersecurity safety law laws legal liability`)
	add("team", "teams department departments collaborate collaboration")
	add("team", `cooperate cooperation collaborative collaborator collaborators collaborating squad squads
		division divisions headcount`)
	add("oneperson", "hat hats hybrid combined combine combination dual")
	add("ready", "ready readiness prepared maturity preparedness unprepared")
	add("measure", "measure measuring metrics metric kpi kpis roi track tracking judge performing success")
	add("measure", "measurement measurements measured quantify benchmark benchmarks scorecard")
	add("vendor", "vendor vendors supplier suppliers provider providers tool tools openai anthropic procurement")
	add("vendor", "seller sellers tooling toolset")
	add("start", "onboard onboarding kickoff begin beginning commence commences commencing outset onboarded")
	add("hire", `hire hiring hired engage engaging recruit recruiting recruitment recruited recruits appoint
		appointed appointing`)
	add("customer", `customer customers client clients users cx ux nps personalization personalize personalized
		satisfaction consumer consumers shoppers`)
	add("define", `mean meaning means definition define concept term signify terminology jargon buzzword
		explain explanation meant`)
	add("strategy", "strategy strategic strategies strategist strategize")
	return m
}

// defaultStopWords carry no meaning for the ranking, including Slack chatter
// and the filler of spoken questions.
func defaultStopWords() map[string]bool {
	return toSet(`a about above after again all also am an and any anyone are as at be
because been being but by can could did do does doing for from get got had has have
having he her here hey hi hello his how i if in into is it its just me my
myself no nor of on once only or other our ours out over own please pls q quick question
really same she should so some such than thank thanks that the their them then there these
they this those through to too under until up us very was we were what where which while
who whom why will with would you your yours folks guys everyone thx ok okay wondering
curious ask asking tell let know need needs want wants like lol hmm um uh actually basically
exactly concretely typically normally generally usually roughly thing things stuff kind sort
way anyway idea point look looks even much many lot one ones someone somebody something
go going come make makes made sure think thought say said see seem seems also well bit
isn't aren't what's we're don't doesn't it's that's there's i'm we've can't won't i'd we'd
who's where's how's you're they're didn't wasn't
`)
}

func toSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// stem strips common English suffixes. It is deliberately light: it only has
// to map a question and the content to the same form, not be linguistics.
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	for _, s := range []struct{ suf, rep string }{
		{"ational", "ate"}, {"ization", "ize"}, {"ities", "ity"}, {"ments", ""},
		{"ment", ""}, {"ingly", ""}, {"ies", "y"}, {"ing", ""}, {"ers", "er"}, {"ed", ""},
		{"es", "e"}, {"ly", ""}, {"s", ""},
	} {
		if !strings.HasSuffix(w, s.suf) {
			continue
		}
		if s.suf == "s" && (strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us")) {
			break
		}
		if rest := len(w) - len(s.suf); rest >= 4 || (s.suf == "s" && rest >= 3) {
			w = w[:rest] + s.rep
		}
		break
	}
	// A final "e" comes and goes with suffixes (hire, hiring, hired): drop it.
	if len(w) > 4 && w[len(w)-1] == 'e' {
		w = w[:len(w)-1]
	}
	return w
}
