package blockkit

// Stable identifiers. The block ids marked "contract" are read by tools
// outside the project (CONTRACT.md); the rest are the bot's own, shared by
// the builders here and the router in slackbot.
const (
	// AssessmentCallbackID is the assessment modal's callback_id (contract).
	AssessmentCallbackID = "advisor_assessment"
	// ContextBlockID holds the modal's optional free-text input. The six
	// required inputs use the advisor.Field name as both block and action id.
	ContextBlockID = "context"

	// RecommendationBlockPrefix + role is the recommendation block (contract).
	RecommendationBlockPrefix = "recommendation:"
	// FAQBlockPrefix + entry id is the FAQ answer block; FAQNoneBlockID
	// marks a question without a confident answer (contract).
	FAQBlockPrefix = "faq:"
	FAQNoneBlockID = "faq:none"

	// ActionStartAssessment opens the assessment modal.
	ActionStartAssessment = "start_assessment"
	// ActionStartOver opens the modal again after a recommendation.
	ActionStartOver = "start_over"
	// ActionShare posts a recommendation to the channel; its value carries
	// the answers so the bot can rebuild it.
	ActionShare = "share_recommendation"
	// ActionTopicPrefix + entry id answers that entry; its value is the id.
	ActionTopicPrefix = "faq_topic:"
	// ActionHelpful and ActionNotHelpful record feedback; the value says
	// on what ("faq:cost", "recommendation:caio").
	// ActionShowAssessment shows one of the user's past recommendations
	// again; its value is the share value.
	ActionShowAssessment = "show_assessment"
	ActionHelpful        = "feedback_helpful"
	ActionNotHelpful     = "feedback_not_helpful"
)
