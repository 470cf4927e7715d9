package advisor

// This file holds every sentence the engine says. The sentences are constants
// picked by switches, so a recommendation costs no string building and reads
// the same every time for the same answers.

// summary is the one-sentence headline.
func summary(p profile, role Role) string {
	switch role {
	case RoleCAIO:
		if p.infra == infraPartial {
			return "Hire a fractional Chief AI Officer (CAIO) to lead AI strategy, adoption and governance, while your engineering team closes the known infrastructure gaps alongside."
		}
		return "Hire a fractional Chief AI Officer (CAIO): your foundations can carry AI, and what you need now is a leader dedicated to AI strategy, adoption and governance."
	case RoleCTO:
		return "Hire a fractional CTO to lead infrastructure, engineering and product delivery; you do not need a dedicated AI leader yet."
	case RoleBoth:
		if p.infra == infraWeak {
			return "Hire a fractional CTO and a fractional CAIO to work in tandem: the CTO rebuilds the foundations while the CAIO sets AI strategy and governance, with AI builds waiting on the foundation work."
		}
		return "Hire a fractional CTO and a fractional CAIO to work in tandem: your AI plans need dedicated leadership and the rest of your technology needs broad technical leadership at the same time."
	}
	return "Hire a fractional CTO first and add a fractional CAIO once the foundation work is done: one leader at a time, in sequence."
}

// reasons ties the recommendation to each of the six answers, in question
// order. Every reason carries the field and the user's value for it.
func reasons(a Answers, p profile, role Role) []Reason {
	return []Reason{
		{FieldGoal, a.Goal, goalReason(p, role)},
		{FieldInfrastructure, a.Infrastructure, infraReason(p, role)},
		{FieldAIAmbition, a.AIAmbition, ambitionReason(p, role)},
		{FieldEngineeringTeam, a.EngineeringTeam, teamReason(p, role)},
		{FieldAIGovernance, a.AIGovernance, governanceReason(p, role)},
		{FieldBudget, a.Budget, budgetReason(p, role)},
	}
}

func goalReason(p profile, role Role) string {
	switch p.goal {
	case goalAI:
		switch role {
		case RoleCAIO:
			return "Your main goal is AI transformation, which calls for a leader whose whole focus is AI, not a CTO for whom AI would be one priority among many."
		case RoleBoth:
			return "Your main goal is AI transformation, which deserves a leader dedicated to AI rather than a CTO juggling it with everything else."
		}
		return "Your main goal is AI transformation, so a CAIO is where this leads; the question your other answers settle is when, not whether."
	case goalFoundation:
		switch role {
		case RoleCTO:
			return "Your main goal is a solid technical foundation: infrastructure, engineering and reliable product delivery are exactly what a fractional CTO leads."
		case RoleBoth:
			return "Your main goal is a solid technical foundation, which is a CTO's remit; your AI plans add a second, AI-dedicated role."
		}
		return "Your main goal is a solid technical foundation, so a fractional CTO comes first; a CAIO follows for the AI work your other answers call for."
	}
	if role == RoleBoth {
		return "You want both AI transformation and a stronger technical foundation; those are two different jobs, and your answers support a leader for each."
	}
	return "You want both AI transformation and a stronger technical foundation; a CTO builds the foundation the AI work will run on, so that role goes first."
}

func infraReason(p profile, role Role) string {
	switch p.infra {
	case infraSolid:
		switch role {
		case RoleCAIO:
			return "Your infrastructure is solid, which is what a CAIO needs: AI strategies can be executed on it instead of stalling on missing systems."
		case RoleCTO:
			return "Your infrastructure is already solid, so the CTO's work is scaling it and improving team and delivery rather than rebuilding."
		case RoleBoth:
			return "Your infrastructure is solid, so the CAIO can start executing straight away while the CTO looks after the rest of the technology."
		}
		return "Your infrastructure is solid, so the CTO phase can concentrate on team and delivery and hand over to the CAIO sooner."
	case infraPartial:
		switch role {
		case RoleCAIO:
			if p.team == teamEstablished {
				return "Your infrastructure is partial, which would normally argue for a CTO first; an established engineering team can close the known gaps while the CAIO starts, as long as the first AI use cases avoid the weakest systems."
			}
			if p.ambition == ambitionTargeted {
				return "Your infrastructure is partial and your team is small, a close call; a few targeted use cases tip it towards starting with the CAIO, choosing ones that today's systems can already support."
			}
			return "Your infrastructure is partial and your team is small, a close call; your high AI governance needs tip it towards starting with the CAIO, since governance work does not wait on the gaps."
		case RoleCTO:
			return "Your infrastructure is partial: closing the known gaps is the first job for a fractional CTO."
		case RoleBoth:
			return "Your infrastructure is partial, so the CTO closes the known gaps in parallel with the CAIO's work, starting with the ones the first AI use cases depend on."
		}
		if p.goal == goalAI {
			switch {
			case p.team == teamNone:
				return "Your infrastructure is partial and there is no engineering team to close the gaps, so a CAIO now would produce plans nobody can execute; a CTO goes first."
			case p.ambition == ambitionAggressive:
				return "Your infrastructure is partial, and aggressive AI plans would hit every known gap at once, so a CTO closes the gaps before the CAIO starts."
			}
			return "Your infrastructure is partial, and with a small team and only exploratory AI plans there is no reason to put a CAIO ahead of fixing the gaps."
		}
		return "Your infrastructure is partial; closing the gaps first means the CAIO arrives to systems that can carry AI."
	}
	switch role {
	case RoleCTO:
		return "Your infrastructure is weak, which makes rebuilding it the first priority, and that is core CTO work."
	case RoleBoth:
		return "Your infrastructure is weak, so a CAIO cannot work alone: the CTO rebuilds the foundations in parallel, and AI delivery waits on that work."
	}
	return "Your infrastructure is weak; a CAIO on weak foundations produces AI strategies that cannot be executed, so a CTO fixes the foundations first."
}

func ambitionReason(p profile, role Role) string {
	switch p.ambition {
	case ambitionExploring:
		switch role {
		case RoleCAIO:
			return "You are exploring what AI could do, so the need is less urgent: a short, focused CAIO engagement to find and rank use cases fits better than a long one."
		case RoleCTO:
			return "You are still exploring AI, so there is no urgency for a dedicated AI leader; the CTO can keep AI options open in the roadmap."
		case RoleBoth:
			return "You are only exploring AI, which alone would not justify a second leader now; your AI governance needs do."
		}
		return "You are exploring AI rather than adopting it at scale, so there is no urgency to have a CAIO in place before the foundations are ready."
	case ambitionTargeted:
		switch role {
		case RoleCAIO:
			return "You have a few targeted AI use cases in mind; a CAIO can rank them by feasibility and expected return and take the best to production."
		case RoleCTO:
			return "Your AI plans are a few targeted use cases with low governance needs, which the CTO can fit into the technology roadmap without a dedicated AI leader."
		case RoleBoth:
			return "Your targeted AI use cases can start now; with the budget for two leaders they need not wait for the foundation work."
		}
		return "Your targeted AI use cases can wait until the foundation is ready; then a CAIO takes them on."
	}
	if role == RoleCAIO {
		return "Your aggressive, company-wide AI ambition needs a leader whose whole job is AI adoption; with foundations and a team in place, that is a CAIO."
	}
	return "Aggressive, company-wide AI adoption needs a dedicated CAIO as well as the broad technical leadership your other answers call for."
}

func teamReason(p profile, role Role) string {
	switch p.team {
	case teamNone:
		switch role {
		case RoleCAIO:
			return "You have no in-house engineers; for exploratory or targeted AI work a CAIO can deliver through vendors and AI tools, but every build will depend on outside partners."
		case RoleCTO:
			return "You have no in-house engineers, so someone must build and lead engineering: hiring, processes and delivery are CTO work."
		}
		return "You have no in-house engineers, so someone must build and lead an engineering team before AI can be delivered at scale, and that is CTO work."
	case teamSmall:
		switch role {
		case RoleCAIO:
			return "Your engineering team is small; the CAIO will lean on it for data and integration work, so plan its capacity for AI alongside the product."
		case RoleCTO:
			return "Your engineering team is small; a CTO can set its processes and plan the next hires as it grows."
		case RoleBoth:
			return "Your engineering team is small; the CTO grows it and sets up its processes so it can carry AI work alongside the product."
		}
		return "Your engineering team is small; the CTO grows it and sets up its processes so it is ready to carry AI work when the CAIO arrives."
	}
	switch role {
	case RoleCAIO:
		return "You have an established engineering team, so engineering leadership is covered and the CAIO can work with your engineers, data people and stakeholders directly."
	case RoleCTO:
		return "You have an established engineering team, so the CTO's focus is architecture, delivery and direction rather than building a team from scratch."
	case RoleBoth:
		return "You have an established engineering team, which can carry the CTO's foundation work and the CAIO's first AI projects at the same time."
	}
	return "You have an established engineering team, which will speed up the CTO's foundation work and carry the AI work once the CAIO arrives."
}

func governanceReason(p profile, role Role) string {
	if p.governance == governanceLow {
		switch role {
		case RoleCAIO:
			return "Your AI governance needs are low, so the CAIO can spend most of the time on use cases, with light guidelines for responsible use."
		case RoleCTO:
			return "Your AI governance needs are low, so the CTO's broad security and compliance work covers you for now."
		case RoleBoth:
			return "Your AI governance needs are low, so the CAIO's time can go mainly to strategy and adoption."
		}
		return "Your AI governance needs are low, so nothing forces a CAIO in early; the CTO's security and compliance work covers you until then."
	}
	switch role {
	case RoleCAIO:
		return "Your AI governance needs are high: bias, privacy in training data, model explainability and emerging AI regulation are a CAIO's specialty and outside most CTOs'."
	case RoleCTO:
		return "Your AI governance needs are high, but while you are only exploring AI the CTO can set basic rules for AI tools; bring in AI governance expertise before any AI system touches sensitive data."
	case RoleBoth:
		return "Your AI governance needs are high, which adds weight to a CAIO now: bias, privacy in training data, explainability and emerging AI regulation need a specialist working with the CTO on security."
	}
	return "Your AI governance needs are high, which is one reason a CAIO belongs in the plan; until one arrives, the CTO should set interim rules for AI use on sensitive data."
}

func budgetReason(p profile, role Role) string {
	switch p.budget {
	case budgetUnder10k:
		if role == RoleCTOThenCAIO {
			return "Your budget is under $10k a month, below the usual rate for even one fractional leader, so the roles must be sequenced, one leader at a time, starting small (see the budget note)."
		}
		return "Your budget is under $10k a month, below the usual $10k–$25k a month for one fractional leader; the recommendation stands, but see the budget note for a smaller way to start."
	case budget10kTo25k:
		switch role {
		case RoleCAIO:
			return "Your budget of $10k–$25k a month matches the usual rate for one fractional CAIO."
		case RoleCTO:
			return "Your budget of $10k–$25k a month matches the usual rate for one fractional CTO."
		}
		return "Your budget of $10k–$25k a month carries one fractional leader, not two, so the roles are sequenced: the CTO first, then the CAIO."
	}
	switch role {
	case RoleCAIO:
		return "Your budget of over $25k a month comfortably carries one fractional CAIO, with room for more days a month or specialist help."
	case RoleCTO:
		return "Your budget of over $25k a month comfortably carries one fractional CTO, with room for more days a month or specialist help."
	case RoleBoth:
		return "Your budget of over $25k a month can carry two fractional leaders at once, which is what running both roles in tandem costs."
	}
	return "Your budget of over $25k a month could carry two leaders at once, but your answers do not need them in parallel; sequencing avoids paying for AI leadership before the foundation can use it."
}

// budgetNote is set only when the budget is under $10k a month, which cannot
// carry one fractional leader at the usual rate.
func budgetNote(p profile, role Role) string {
	if p.budget != budgetUnder10k {
		return ""
	}
	switch role {
	case RoleCAIO:
		return "A budget under $10k a month cannot carry a fractional CAIO at the usual $10k–$25k a month. Start with a time-boxed piece of work instead, such as a short assessment sprint that ranks your AI use cases, or a few days a month, and grow the engagement once its results justify the spend."
	case RoleCTO:
		return "A budget under $10k a month cannot carry a fractional CTO at the usual $10k–$25k a month. Start with a time-boxed piece of work instead, such as a short assessment sprint that produces a technology roadmap, or a few days a month on your most urgent problem, and extend it when the budget allows."
	}
	// Both never reaches here (it needs over $25k), so this is cto_then_caio.
	return "A budget under $10k a month cannot carry even one fractional leader at the usual $10k–$25k a month. Start with the role that matters most now, the CTO, on a time-boxed basis (a few days a month or a short assessment sprint on your infrastructure), and plan the CAIO as a later phase."
}

// Sentences shared by several roles.
const (
	riskThinBudget = "Spread over a few days a month, a fractional leader can advise but not drive change; keep the scope narrow so the little time there is produces decisions."
	riskGovernance = "With regulated or sensitive data, AI mistakes are legal and reputational, not only technical: bias, privacy in training data and unexplainable models must be checked before launch."
	stepGovernance = "Make an AI governance framework an explicit deliverable: bias checks, privacy rules for training data, explainability requirements and a watch on emerging AI regulation."
	stepHiring     = "Decide with the CTO whether to hire engineers or work with a development partner, and what the first hires should be."
)

// risks lists 2 to 4 risks: the role's main risk, those the answers raise
// (most pressing first), then a second general one if there is room.
func risks(p profile, role Role) []string {
	out := make([]string, 0, 4)
	add := func(ok bool, s string) {
		if ok && len(out) < 3 {
			out = append(out, s)
		}
	}
	switch role {
	case RoleCAIO:
		out = append(out, "A CAIO does not run your wider engineering; infrastructure, security and delivery still need an owner, or AI work will stall on problems outside its remit.")
		add(p.budget == budgetUnder10k, riskThinBudget)
		add(p.infra == infraPartial, "Known infrastructure gaps can block AI work midway; agree with the team which gaps the first use cases depend on and close those first.")
		add(p.team == teamNone, "With no in-house engineers, every AI build depends on vendors; keep ownership of your data and models, and avoid lock-in to a single tool.")
		add(p.governance == governanceHigh, riskGovernance)
		add(p.ambition == ambitionExploring, "An exploring brief can drift into open-ended experiments; tie the engagement to a short list of decisions and an end date.")
		add(p.ambition == ambitionAggressive, "Company-wide AI adoption changes how people work; without training and change management, tools get bought and not used.")
		out = append(out, "AI systems bring new attack vectors and privacy concerns; the CAIO must work with whoever owns security, not around them.")
	case RoleCTO:
		out = append(out, "Under a CTO, AI tends to become one priority among many; if your AI plans grow, plan for dedicated AI leadership rather than assuming the CTO covers it.")
		add(p.budget == budgetUnder10k, riskThinBudget)
		add(p.governance == governanceHigh, "Your high AI governance needs are outside most CTOs' specialty; bias, explainability and emerging AI regulation may need specialist input before any AI use touches sensitive data.")
		add(p.infra == infraWeak, "Rebuilding weak infrastructure while shipping product is where roadmaps slip; expect the first months to go to stability rather than features.")
		add(p.team == teamNone, "With no engineers to lead, a part-time CTO can end up coding or chasing vendors instead of leading; agree early on hiring or a delivery partner.")
		add(p.infra == infraSolid && p.team == teamEstablished, "With solid systems and an established team, the CTO's mandate can be vague; define the outcomes you are paying for, such as delivery speed, scalability or security.")
		out = append(out, "A fractional CTO is part-time; decisions that wait for them slow the team, so agree which decisions the team makes alone.")
	case RoleBoth:
		out = append(out, "Two leaders with neighbouring remits can pull in different directions; settle early who owns the data platform, security and the shared roadmap.")
		add(p.infra == infraWeak, "With weak infrastructure, AI delivery depends on the CTO's foundation work; if the CAIO pushes builds before the platform is ready, the strategy cannot be executed.")
		add(p.infra == infraPartial, "Infrastructure gaps can hold AI work back; the CTO should close the gaps the first AI use cases depend on before the rest.")
		add(p.team == teamNone, "With no engineering team yet, both leaders will compete for the same first hires; agree the hiring order.")
		add(p.governance == governanceHigh, riskGovernance)
		out = append(out, "Two fractional leaders cost $20k–$50k a month together; give each measurable outcomes so the spend can be reviewed.")
	default:
		out = append(out, "Sequencing delays dedicated AI leadership; set a concrete trigger for bringing in the CAIO so that later does not become never.")
		add(p.budget == budgetUnder10k, riskThinBudget)
		add(p.ambition == ambitionAggressive, "With aggressive AI plans, waiting for the foundation costs time against competitors; keep the CTO phase tightly scoped to what AI needs.")
		add(p.governance == governanceHigh, "If AI is already in use on sensitive data, governance cannot wait for the CAIO: until rules exist, unchecked tools can leak data or make biased decisions.")
		add(p.team == teamNone, "With no engineering team yet, the CTO phase includes hiring, which takes time, and the CAIO's start depends on it.")
		add(p.infra == infraWeak, "Weak infrastructure may take longer to fix than planned; measure progress against milestones, not dates.")
		out = append(out, "The handover between leaders can lose context; have the CTO document the architecture, data sources and candidate AI use cases for the CAIO.")
	}
	return out
}

// nextSteps lists 3 to 5 steps: two for the role, those the answers call for,
// then a closing one if there is room.
func nextSteps(p profile, role Role) []string {
	out := make([]string, 0, 5)
	add := func(ok bool, s string) {
		if ok && len(out) < 4 {
			out = append(out, s)
		}
	}
	switch role {
	case RoleCAIO:
		out = append(out,
			"Write down the two or three business outcomes you want from AI, so the CAIO's first weeks go to the right use cases.",
			"Ask each candidate what they would deliver in the first 90 days: a data-readiness assessment, ranked use cases with expected return, and metrics for AI success.")
		add(p.budget == budgetUnder10k, "Offer a short, fixed-scope assessment sprint instead of a monthly retainer, and decide on more time once you have its results.")
		add(p.governance == governanceHigh, stepGovernance)
		add(p.infra == infraPartial, "Have your team list the known infrastructure gaps and mark the ones the first AI use cases depend on.")
		add(p.team == teamNone, "Choose the vendors or AI tools for the first use case with the CAIO, and agree who maintains what is built.")
		add(p.ambition == ambitionExploring, "Set a fixed end date for the first engagement and decide then whether to continue.")
		out = append(out, "Agree how the CAIO works with whoever owns engineering and security, since AI systems add new attack vectors and privacy concerns.")
	case RoleCTO:
		out = append(out,
			"List what hurts most today, such as outages, slow releases, hiring or security, so the CTO's first month targets it.",
			"Ask each candidate for an outline of a technology roadmap: current state, upgrades in order, and the architecture and stack decisions behind them.")
		add(p.budget == budgetUnder10k, "Start with a short, fixed-scope assessment sprint that produces the roadmap, and add regular days once the budget allows.")
		add(p.infra == infraWeak, "Ask for a stabilisation plan first: reliability, security and the delivery pipeline before new features.")
		add(p.team == teamNone, stepHiring)
		add(p.governance == governanceHigh, "Set basic rules now for AI tools on sensitive data, and plan when to bring in AI governance expertise.")
		add(p.ambition == ambitionTargeted, "Ask the CTO to place your targeted AI use cases in the roadmap and to say when they outgrow it and need dedicated AI leadership.")
		out = append(out, "Review the engagement after the first quarter and decide whether to scale the CTO's days up or down.")
	case RoleBoth:
		out = append(out,
			"Write each leader's remit down: the CTO owns infrastructure, engineering and delivery; the CAIO owns AI strategy, use cases and governance.",
			"Make the AI strategy part of the technology roadmap, with a joint review each month.")
		add(p.infra != infraSolid, "Ask the CTO to schedule first the infrastructure and data work that the first AI use cases depend on.")
		add(p.team == teamNone, "Agree the first engineering hires with both leaders, covering product and data work.")
		add(p.governance == governanceHigh, stepGovernance)
		out = append(out, "Set a review point, for example after six months, to decide whether both engagements continue at the same intensity.")
	default:
		out = append(out,
			"Hire the fractional CTO now with an explicit mandate to make infrastructure, data and team ready for AI.",
			"Agree in writing the milestones that trigger the CAIO, for example reliable data pipelines and a delivery process the team trusts.")
		add(p.budget == budgetUnder10k, "Start the CTO on a time-boxed basis, a few days a month or a short assessment sprint, and set money aside for the CAIO phase.")
		add(p.governance == governanceHigh, "Put interim AI rules in place now: which data may go into AI tools and who approves new uses.")
		add(p.team == teamNone, stepHiring)
		out = append(out, "Ask the CTO to keep a list of AI use cases as they come up, ready for the CAIO's first weeks.")
	}
	return out
}
