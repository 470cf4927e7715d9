package manifests

import (
	"maps"
	"net"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The HTTP overlay: Slack's requests over HTTPS through an Ingress, to
// replicas the autoscaler sizes, sharing Postgres (CONTRACT.md "HTTP mode").
const (
	httpDir          = "kubernetes-http"
	httpMode         = "http" // SLACK_MODE's value
	slackModeVar     = "SLACK_MODE"
	signingSecretVar = "SLACK_SIGNING_SECRET"
	slackAddrVar     = "ADVISOR_SLACK_ADDR"
	// The container port of Slack's requests, by the name the Service
	// targets.
	slackPortName = "slack"
	// The bot's one path for events, commands and interactivity.
	slackEventsPath = "/slack/events"
	// The fewest replicas: one may be away (rollout, drain) while another
	// answers.
	minHTTPReplicas = 2
	// The longest a replica failing /readyz may stay behind the Service.
	maxUnreadyDelay = 5 * time.Second
	// The container in the base.
	containerName = "fractional-advisor"
)

// httpModeEnv holds HTTP mode's settings and their defaults, as
// CONTRACT.md "HTTP mode" names them. configEnv adds those config does not
// read yet, and holds config's defaults to these once it does.
var httpModeEnv = map[string]string{slackModeVar: "socket", signingSecretVar: "", slackAddrVar: ":3000"}

// A signing secret is 32 hexadecimal digits: the example must not hold one.
var signingSecretLike = regexp.MustCompile(`[0-9a-fA-F]{32}`)

// slackMode is the Deployment's SLACK_MODE, a literal, or config's default.
func slackMode(t *testing.T, env map[string]corev1.EnvVar, defaults map[string]string) string {
	t.Helper()
	mode := defaults[slackModeVar]
	if e, ok := env[slackModeVar]; ok {
		if e.ValueFrom != nil {
			t.Errorf("env %s: want a literal value, not valueFrom", slackModeVar)
		}
		mode = e.Value
	}
	if mode != "socket" && mode != httpMode {
		t.Errorf("env %s = %q, want socket or http", slackModeVar, mode)
	}
	return mode
}

// checkSlackPort: the container port named slack is the TCP port the bot
// serves Slack's requests on, ADVISOR_SLACK_ADDR's (set, or its default).
func checkSlackPort(t *testing.T, ports []corev1.ContainerPort, env map[string]corev1.EnvVar, defaults map[string]string) corev1.ContainerPort {
	t.Helper()
	i := slices.IndexFunc(ports, func(p corev1.ContainerPort) bool { return p.Name == slackPortName })
	if i < 0 {
		t.Fatalf("no container port named %s, which the Service targets", slackPortName)
	}
	p := ports[i]
	if p.Protocol != "" && p.Protocol != corev1.ProtocolTCP {
		t.Errorf("port %s: protocol %s, want TCP", p.Name, p.Protocol)
	}
	addr := defaults[slackAddrVar]
	if e, ok := env[slackAddrVar]; ok {
		addr = e.Value
	}
	if _, port, err := net.SplitHostPort(addr); err != nil || port != strconv.Itoa(int(p.ContainerPort)) {
		t.Errorf("the bot serves Slack on %q (%s) but the container port %s is %d", addr, slackAddrVar, p.Name, p.ContainerPort)
	}
	return p
}

// checkReadiness: behind a load balancer, a replica that fails /readyz
// (its database unreachable, or shutting down) leaves the Service within
// maxUnreadyDelay, the API's defaults standing for fields not set.
func checkReadiness(t *testing.T, p *corev1.Probe) {
	t.Helper()
	if p == nil {
		t.Fatal("no readinessProbe")
	}
	orDefault := func(v, def int32) time.Duration {
		if v == 0 {
			v = def
		}
		return time.Duration(v)
	}
	period := orDefault(p.PeriodSeconds, 10) * time.Second
	timeout := orDefault(p.TimeoutSeconds, 1) * time.Second
	failures := orDefault(p.FailureThreshold, 3)
	if period*failures > maxUnreadyDelay {
		t.Errorf("readinessProbe: %d failures %s apart keep a failing replica behind the Service for %s, want at most %s",
			failures, period, period*failures, maxUnreadyDelay)
	}
	if timeout > period {
		t.Errorf("readinessProbe: timeout %s above the period %s", timeout, period)
	}
	if p.SuccessThreshold > 1 {
		t.Errorf("readinessProbe: successThreshold %d delays a replica that is ready", p.SuccessThreshold)
	}
}

// checkService: a ClusterIP Service on the Deployment's pods, exposing
// only Slack's port, targeting it by name.
func checkService(t *testing.T, svc *corev1.Service, d *appsv1.Deployment, slack corev1.ContainerPort) {
	t.Helper()
	if svc.Spec.Type != "" && svc.Spec.Type != corev1.ServiceTypeClusterIP {
		t.Errorf("Service %s: type %s, want ClusterIP: the Ingress is the way in", svc.Name, svc.Spec.Type)
	}
	if len(svc.Spec.Selector) == 0 || !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
		t.Errorf("Service %s: selector %v does not select the Deployment's pods %v", svc.Name, svc.Spec.Selector, d.Spec.Template.Labels)
	}
	if !reflect.DeepEqual(svc.Spec.Selector, d.Spec.Selector.MatchLabels) {
		t.Errorf("Service %s: selector %v, want the Deployment's %v", svc.Name, svc.Spec.Selector, d.Spec.Selector.MatchLabels)
	}
	p := one(t, "Service port (Slack's only: the ops port is not for the world)", svc.Spec.Ports)
	if p.TargetPort != intstr.FromString(slack.Name) {
		t.Errorf("Service %s: targetPort %s, want the container port's name %s (%d)", svc.Name, p.TargetPort.String(), slack.Name, slack.ContainerPort)
	}
	if p.Port != 80 || (p.Protocol != "" && p.Protocol != corev1.ProtocolTCP) || p.Name != slackPortName {
		t.Errorf("Service %s: port %s %d/%s, want %s 80/TCP", svc.Name, p.Name, p.Port, p.Protocol, slackPortName)
	}
}

// checkIngress: one host, served over TLS, routing the bot's path, and
// only it, to the Service's port.
func checkIngress(t *testing.T, ing *networkingv1.Ingress, svc *corev1.Service) {
	t.Helper()
	rule := one(t, "Ingress rule", ing.Spec.Rules)
	if rule.Host == "" {
		t.Error("the Ingress rule names no host: Slack needs a name its certificate matches")
	}
	tls := one(t, "Ingress TLS entry", ing.Spec.TLS)
	if tls.SecretName == "" || !slices.Equal(tls.Hosts, []string{rule.Host}) {
		t.Errorf("Ingress TLS %+v: want the rule's host %q and a secretName: Slack only sends over HTTPS", tls, rule.Host)
	}
	if rule.HTTP == nil {
		t.Fatal("the Ingress rule routes nothing")
	}
	p := one(t, "Ingress path", rule.HTTP.Paths)
	if p.Path != slackEventsPath || p.PathType == nil || (*p.PathType != networkingv1.PathTypeExact && *p.PathType != networkingv1.PathTypePrefix) {
		t.Errorf("Ingress path %s (%s), want %s, Exact or Prefix", p.Path, show(p.PathType), slackEventsPath)
	}
	b := p.Backend.Service
	if b == nil || b.Name != svc.Name {
		t.Fatalf("Ingress backend %+v, want the Service %s", p.Backend, svc.Name)
	}
	sp := one(t, "Service port", svc.Spec.Ports)
	if b.Port.Name != sp.Name && b.Port.Number != sp.Port || b.Port.Name != "" && b.Port.Number != 0 {
		t.Errorf("Ingress backend port %+v, want the Service's %s (%d)", b.Port, sp.Name, sp.Port)
	}
}

// checkAutoscaler: the autoscaler sizes the Deployment by CPU, from
// minHTTPReplicas up, and the PodDisruptionBudget lets a drain through at
// the floor.
func checkAutoscaler(t *testing.T, hpa *autoscalingv2.HorizontalPodAutoscaler, d *appsv1.Deployment, pdb *policyv1.PodDisruptionBudget) {
	t.Helper()
	ref := hpa.Spec.ScaleTargetRef
	if ref.APIVersion != "apps/v1" || ref.Kind != "Deployment" || ref.Name != d.Name {
		t.Errorf("autoscaler targets %s %s %q, want apps/v1 Deployment %q", ref.APIVersion, ref.Kind, ref.Name, d.Name)
	}
	if m := hpa.Spec.MinReplicas; m == nil || *m < minHTTPReplicas {
		t.Errorf("minReplicas = %s, want at least %d", show(m), minHTTPReplicas)
	} else if hpa.Spec.MaxReplicas <= *m {
		t.Errorf("maxReplicas %d, want above minReplicas %d", hpa.Spec.MaxReplicas, *m)
	}
	if r := d.Spec.Replicas; r != nil && *r < minHTTPReplicas {
		t.Errorf("the Deployment sets replicas %d, below %d", *r, minHTTPReplicas)
	}
	m := one(t, "autoscaler metric", hpa.Spec.Metrics)
	if m.Type != autoscalingv2.ResourceMetricSourceType || m.Resource == nil || m.Resource.Name != corev1.ResourceCPU ||
		m.Resource.Target.Type != autoscalingv2.UtilizationMetricType || m.Resource.Target.AverageUtilization == nil ||
		*m.Resource.Target.AverageUtilization <= 0 || *m.Resource.Target.AverageUtilization > 100 {
		t.Errorf("autoscaler metric %+v, want CPU utilization, 1-100%%", m)
	}
	// Utilization is against the request: without one the autoscaler
	// does nothing.
	if _, ok := container(t, d.Spec.Template.Spec, containerName).Resources.Requests[corev1.ResourceCPU]; !ok {
		t.Error("the container has no CPU request, which CPU utilization is measured against")
	}
	if pdb.Spec.MinAvailable == nil || hpa.Spec.MinReplicas == nil ||
		pdb.Spec.MinAvailable.Type != intstr.Int || pdb.Spec.MinAvailable.IntVal >= *hpa.Spec.MinReplicas {
		t.Errorf("PodDisruptionBudget minAvailable %s against minReplicas %s: at the floor, no node could be drained", show(pdb.Spec.MinAvailable), show(hpa.Spec.MinReplicas))
	}
	if !reflect.DeepEqual(pdb.Spec.Selector, d.Spec.Selector) {
		t.Errorf("PodDisruptionBudget selector %v differs from the Deployment's %v", pdb.Spec.Selector, d.Spec.Selector)
	}
}

// checkHTTPNetworkRules: in, the ops port as in the base and Slack's port
// from the ingress controller only; out, the base's rules, the database's
// port (db) included.
func checkHTTPNetworkRules(t *testing.T, spec networkingv1.NetworkPolicySpec, slack corev1.ContainerPort, db string) {
	t.Helper()
	_, opsPort, _ := net.SplitHostPort(configEnv(t)["ADVISOR_HTTP_ADDR"])
	slackPort := "TCP/" + strconv.Itoa(int(slack.ContainerPort))
	var all [][]networkingv1.NetworkPolicyPort
	var slackRules int
	for _, r := range spec.Ingress {
		all = append(all, r.Ports)
		switch got := policyPorts([][]networkingv1.NetworkPolicyPort{r.Ports}); {
		case slices.Equal(got, []string{"TCP/" + opsPort}):
		case slices.Equal(got, []string{slackPort}):
			slackRules++
			checkIngressPeers(t, r.From)
		default:
			t.Errorf("an ingress rule for %v: want one rule for the ops port and one for Slack's, apart", got)
		}
	}
	if got, want := policyPorts(all), []string{slackPort, "TCP/" + opsPort}; !slices.Equal(got, want) || slackRules != 1 {
		t.Errorf("ingress ports %v, want %v: the ops port and Slack's", got, want)
	}
	checkEgressRules(t, spec, db, "TCP/"+db)
}

// checkIngressPeers: Slack's port is open to the ingress controller only:
// its namespace, or (host network, load balancers sending to pods) an
// address range short of everything.
func checkIngressPeers(t *testing.T, from []networkingv1.NetworkPolicyPeer) {
	t.Helper()
	if len(from) == 0 {
		t.Error("Slack's port is open to every pod and address: let in only the ingress controller")
	}
	for _, p := range from {
		switch {
		case p.NamespaceSelector != nil && p.IPBlock == nil:
			if s, err := metav1.LabelSelectorAsSelector(p.NamespaceSelector); err != nil || s.Empty() {
				t.Errorf("namespaceSelector %v selects every namespace: name the ingress controller's (%v)", p.NamespaceSelector, err)
			}
		case p.IPBlock != nil && p.NamespaceSelector == nil && p.PodSelector == nil:
			_, n, err := net.ParseCIDR(p.IPBlock.CIDR)
			if err != nil {
				t.Errorf("ipBlock %s: %v", p.IPBlock.CIDR, err)
			} else if ones, _ := n.Mask.Size(); ones == 0 {
				t.Errorf("ipBlock %s: want the controller's or load balancer's range, not everything", p.IPBlock.CIDR)
			}
		default:
			t.Errorf("ingress peer %+v: want a namespaceSelector for the ingress controller's namespace, or an ipBlock", p)
		}
	}
}

// loadHTTP reads the overlay and the base.
func loadHTTP(t *testing.T) (overlay, kubeObjects) {
	t.Helper()
	return loadOverlay(t, httpDir), loadKubernetes(t)
}

// ingressURL is the URL Slack must call: the Ingress's host and path.
func ingressURL(t *testing.T) string {
	t.Helper()
	ing := one(t, "Ingress", loadOverlay(t, httpDir).resources.ingresses)
	rule := one(t, "Ingress rule", ing.Spec.Rules)
	if rule.HTTP == nil {
		t.Fatal("the Ingress rule routes nothing")
	}
	return "https://" + rule.Host + one(t, "Ingress path", rule.HTTP.Paths).Path
}

func TestKubernetesHTTPOverlay(t *testing.T) {
	t.Parallel()
	o, base := loadHTTP(t)
	checkMeta(t, o.resources)
	r := o.resources
	one(t, "Service", r.services)
	one(t, "Ingress", r.ingresses)
	one(t, "HorizontalPodAutoscaler", r.hpas)
	if got := len(r.deployments) + len(r.pdbs) + len(r.configMaps) + len(r.netpols) + len(r.pvcs) + len(r.secrets); got != 0 {
		t.Errorf("%s adds %d objects besides its Service, Ingress and autoscaler: patch the base's instead", httpDir, got)
	}
	checkPatchTargets(t, o)
	if len(o.patches) != 2 {
		t.Errorf("%s has %d patches, want the Deployment's and the NetworkPolicy's", httpDir, len(o.patches))
	}
	// The base's PodDisruptionBudget stays.
	pdb := one(t, "PodDisruptionBudget", base.pdbs)
	for file, p := range o.patches {
		if tg := p.target(); tg.gvk.Kind == "PodDisruptionBudget" {
			t.Errorf("%s/%s patches the PodDisruptionBudget %s: the base's applies as it is", httpDir, file, pdb.Name)
		}
	}
	if o.secret == nil {
		t.Errorf("%s has no %s: show the Secret HTTP mode reads", httpDir, exampleSecretFile)
	}
}

// TestKubernetesHTTPDeploymentPatch checks what the overlay's Deployment
// patch sets, the deletions of the base's fields included.
func TestKubernetesHTTPDeploymentPatch(t *testing.T) {
	t.Parallel()
	o, base := loadHTTP(t)
	d, p := patchOf[*appsv1.Deployment](t, o)
	defaults := configEnv(t)
	c := container(t, d.Spec.Template.Spec, containerName)
	env := envByName(t, c.Env)
	checkEnvNames(t, c.Env, defaults)

	// The autoscaler owns the count: an apply must not reset it.
	if !isNull(p.raw, "spec", "replicas") {
		t.Error("the Deployment patch must set replicas: null: the autoscaler sizes the Deployment, and every apply would reset the base's 2")
	}

	// HTTP mode, with its signing secret and without Socket Mode's token.
	if e := env[slackModeVar]; e.Value != httpMode || e.ValueFrom != nil {
		t.Errorf("env %s = %+v, want %q", slackModeVar, e, httpMode)
	}
	if o.secret != nil {
		checkFromSecret(t, env, signingSecretVar, o.secret)
	}
	const appToken = "spec/template/spec/containers/" + containerName + "/env/SLACK_APP_TOKEN"
	if !slices.Equal(p.deletes, []string{appToken}) {
		t.Errorf("the Deployment patch deletes %v, want only the base's SLACK_APP_TOKEN (name: SLACK_APP_TOKEN, $patch: delete): HTTP mode takes the signing secret", p.deletes)
	}
	if _, ok := env["SLACK_APP_TOKEN"]; ok {
		t.Error("the Deployment patch sets SLACK_APP_TOKEN")
	}

	// Slack's port, the one ADVISOR_SLACK_ADDR names.
	checkSlackPort(t, c.Ports, env, defaults)
	if len(c.Ports) != 1 {
		t.Errorf("the Deployment patch adds %d ports, want Slack's only (the base has the ops port)", len(c.Ports))
	}

	// Readiness for a load balancer; the path and port are the base's.
	checkReadiness(t, c.ReadinessProbe)
	if c.ReadinessProbe != nil && c.ReadinessProbe.HTTPGet != nil {
		t.Error("the Deployment patch sets the readiness probe's httpGet: leave /readyz on the ops port to the base")
	}

	// The pause before SIGTERM, within the base's grace period.
	if l := c.Lifecycle; l == nil || l.PreStop == nil || l.PreStop.Sleep == nil || l.PreStop.Sleep.Seconds <= 0 {
		t.Error("want a preStop sleep: the endpoints' removal reaches the ingress controller after the pod is told to stop")
	}
	bd := one(t, "Deployment", base.deployments)
	period := bd.Spec.Template.Spec.TerminationGracePeriodSeconds
	if p := d.Spec.Template.Spec.TerminationGracePeriodSeconds; p != nil {
		period = p
	}
	merged := envByName(t, container(t, bd.Spec.Template.Spec, containerName).Env)
	maps.Copy(merged, env)
	checkGracePeriod(t, period, c.Lifecycle, merged, defaults)

	// The root filesystem stays read-only: the base's securityContext.
	if c.SecurityContext != nil {
		t.Errorf("the Deployment patch sets the container's securityContext %+v; leave it to the base's", c.SecurityContext)
	}
}

func TestKubernetesHTTPService(t *testing.T) {
	t.Parallel()
	o, base := loadHTTP(t)
	d, _ := patchOf[*appsv1.Deployment](t, o)
	c := container(t, d.Spec.Template.Spec, containerName)
	slack := checkSlackPort(t, c.Ports, envByName(t, c.Env), configEnv(t))
	checkService(t, one(t, "Service", o.resources.services), one(t, "Deployment", base.deployments), slack)
}

func TestKubernetesHTTPIngress(t *testing.T) {
	t.Parallel()
	o, _ := loadHTTP(t)
	checkIngress(t, one(t, "Ingress", o.resources.ingresses), one(t, "Service", o.resources.services))
}

func TestKubernetesHTTPAutoscaler(t *testing.T) {
	t.Parallel()
	o, base := loadHTTP(t)
	checkAutoscaler(t, one(t, "HorizontalPodAutoscaler", o.resources.hpas),
		one(t, "Deployment", base.deployments), one(t, "PodDisruptionBudget", base.pdbs))
}

// TestKubernetesHTTPNetworkPolicyPatch: the patch states the ingress
// rules whole, Slack's port from the ingress controller added, and leaves
// egress to the base. A list in a strategic merge patch of a
// NetworkPolicy replaces the base's, and one left out keeps it; the
// kustomize build test checks the merge itself.
func TestKubernetesHTTPNetworkPolicyPatch(t *testing.T) {
	t.Parallel()
	o, base := loadHTTP(t)
	np, p := patchOf[*networkingv1.NetworkPolicy](t, o)
	if v, _ := lookup(p.raw, "spec", "ingress"); len(asList(v)) == 0 {
		t.Error("the NetworkPolicy patch must state its ingress rules")
	}
	if _, ok := lookup(p.raw, "spec", "egress"); ok {
		t.Error("the NetworkPolicy patch states egress rules: HTTP mode's are the base's, left to it")
	}
	d, _ := patchOf[*appsv1.Deployment](t, o)
	c := container(t, d.Spec.Template.Spec, containerName)
	slack := checkSlackPort(t, c.Ports, envByName(t, c.Env), configEnv(t))
	merged := one(t, "NetworkPolicy", base.netpols).Spec
	merged.Ingress = np.Spec.Ingress
	if o.secret == nil {
		t.Fatalf("no %s/%s to read the database's port from", httpDir, exampleSecretFile)
	}
	checkHTTPNetworkRules(t, merged, slack, dbPort(t, o.secret))
}

func TestKubernetesHTTPExampleSecret(t *testing.T) {
	t.Parallel()
	o, base := loadHTTP(t)
	if o.secret == nil {
		t.Fatalf("no %s/%s", httpDir, exampleSecretFile)
	}
	s := o.secret
	checkMeta(t, kubeObjects{objectsByFile: map[string][]runtime.Object{exampleSecretFile: {s}}})
	checkExampleSecret(t, path.Join(httpDir, exampleSecretFile), s,
		map[string]string{signingSecretVar: "", "SLACK_BOT_TOKEN": "xoxb-", dbVar: "postgres://"})
	if v := s.StringData[signingSecretVar]; signingSecretLike.MatchString(v) {
		t.Errorf("%s = %q looks like a real signing secret", signingSecretVar, v)
	}
	// The Deployment reads one Secret, whichever overlay.
	if bs := one(t, "Secret", base.secrets); s.Name != bs.Name {
		t.Errorf("%s/%s names Secret %q, the base's %q: the Deployment reads one", httpDir, exampleSecretFile, s.Name, bs.Name)
	}
}

// checkHTTPBuild checks the overlay as kustomize builds it.
func checkHTTPBuild(t *testing.T, objs kubeObjects) {
	t.Helper()
	o, base := loadHTTP(t)
	if o.secret == nil {
		t.Fatalf("no %s/%s", httpDir, exampleSecretFile)
	}
	d := one(t, "Deployment", objs.deployments)
	svc := one(t, "Service", objs.services)
	pdb := one(t, "PodDisruptionBudget", objs.pdbs)
	np := one(t, "NetworkPolicy", objs.netpols)
	checkMeta(t, objs)
	defaults := configEnv(t)
	checkPod(t, d, one(t, "ConfigMap", objs.configMaps), o.secret, readDockerfile(t), defaults)

	c := container(t, d.Spec.Template.Spec, containerName)
	env := envByName(t, c.Env)
	if mode := slackMode(t, env, defaults); mode != httpMode {
		t.Errorf("SLACK_MODE %q, want %s", mode, httpMode)
	}
	slack := checkSlackPort(t, c.Ports, env, defaults)
	checkReadiness(t, c.ReadinessProbe)
	checkService(t, svc, d, slack)
	checkIngress(t, one(t, "Ingress", objs.ingresses), svc)
	checkAutoscaler(t, one(t, "HorizontalPodAutoscaler", objs.hpas), d, pdb)
	if d.Spec.Replicas != nil {
		t.Errorf("replicas = %d in the build: the autoscaler sizes the Deployment", *d.Spec.Replicas)
	}
	if !reflect.DeepEqual(pdb, one(t, "PodDisruptionBudget", base.pdbs)) {
		t.Error("the build's PodDisruptionBudget differs from the base's")
	}
	checkNetworkPolicy(t, np, d)
	checkHTTPNetworkRules(t, np.Spec, slack, dbPort(t, o.secret))
	if !reflect.DeepEqual(np.Spec.Egress, one(t, "NetworkPolicy", base.netpols).Spec.Egress) {
		t.Error("the build's egress rules differ from the base's")
	}
	if n := len(objs.secrets) + len(objs.pvcs); n != 0 {
		t.Errorf("%d Secrets or claims in the build: the Secret is created by hand, and the replicas share Postgres", n)
	}
}
