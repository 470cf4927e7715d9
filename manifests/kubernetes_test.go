package manifests

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/intstr"
	kyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/dockerfile"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
)

const (
	kubeDir           = "kubernetes"
	kustomizationFile = "kustomization.yaml"
	exampleSecretFile = "secret.example.yaml"

	// Slack allows at most this many Socket Mode connections per app; each
	// replica holds one.
	maxSocketModeConnections = 10
	contentMountPath         = "/etc/fractional-advisor/content"
	contentDirVar            = "ADVISOR_CONTENT_DIR"
	dbVar                    = "ADVISOR_DB"
)

// kubeObjects is every object in manifests/kubernetes, by kind.
type kubeObjects struct {
	deployments   []*appsv1.Deployment
	pdbs          []*policyv1.PodDisruptionBudget
	configMaps    []*corev1.ConfigMap
	secrets       []*corev1.Secret
	netpols       []*networkingv1.NetworkPolicy
	pvcs          []*corev1.PersistentVolumeClaim
	services      []*corev1.Service
	ingresses     []*networkingv1.Ingress
	hpas          []*autoscalingv2.HorizontalPodAutoscaler
	files         []string // every manifest file but kustomization.yaml, relative to kubeDir
	secretFiles   []string // files holding a Secret
	objectsByFile map[string][]runtime.Object
}

// kubeDecoder decodes the way the API server does with strict field
// validation: unknown, misspelt (case-sensitive) or duplicate fields fail.
func kubeDecoder(t *testing.T) runtime.Decoder {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{appsv1.AddToScheme, corev1.AddToScheme, policyv1.AddToScheme, networkingv1.AddToScheme, autoscalingv2.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	return kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme, kjson.SerializerOptions{Yaml: true, Strict: true})
}

// decodeDocs decodes every YAML document of data but the empty ones,
// naming where in its errors.
func decodeDocs(t *testing.T, dec runtime.Decoder, where string, data []byte) []runtime.Object {
	t.Helper()
	var objs []runtime.Object
	r := kyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for n := 1; ; n++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Errorf("%s: document %d: %v", where, n, err)
			break
		}
		if isEmptyYAML(doc) {
			continue
		}
		obj, _, err := dec.Decode(doc, nil, nil)
		if runtime.IsNotRegisteredError(err) {
			t.Errorf("%s: document %d: %v: add the kind to this test's scheme, and checks for it", where, n, err)
			continue
		}
		if err != nil {
			t.Errorf("%s: document %d: %v", where, n, err)
			continue
		}
		objs = append(objs, obj)
	}
	return objs
}

// add files obj, from file, under its kind.
func (o *kubeObjects) add(t *testing.T, file string, obj runtime.Object) {
	t.Helper()
	if o.objectsByFile == nil {
		o.objectsByFile = make(map[string][]runtime.Object)
	}
	o.objectsByFile[file] = append(o.objectsByFile[file], obj)
	switch obj := obj.(type) {
	case *appsv1.Deployment:
		o.deployments = append(o.deployments, obj)
	case *policyv1.PodDisruptionBudget:
		o.pdbs = append(o.pdbs, obj)
	case *corev1.ConfigMap:
		o.configMaps = append(o.configMaps, obj)
	case *networkingv1.NetworkPolicy:
		o.netpols = append(o.netpols, obj)
	case *corev1.PersistentVolumeClaim:
		o.pvcs = append(o.pvcs, obj)
	case *corev1.Service:
		o.services = append(o.services, obj)
	case *networkingv1.Ingress:
		o.ingresses = append(o.ingresses, obj)
	case *autoscalingv2.HorizontalPodAutoscaler:
		o.hpas = append(o.hpas, obj)
	case *corev1.Secret:
		o.secrets = append(o.secrets, obj)
		o.secretFiles = append(o.secretFiles, file)
	default:
		t.Errorf("%s: unexpected kind %s: add checks for it to this test", file, obj.GetObjectKind().GroupVersionKind())
	}
}

// loadKubernetes decodes every YAML document under manifests/kubernetes but
// kustomization.yaml strictly (kubeDecoder).
func loadKubernetes(t *testing.T) kubeObjects {
	t.Helper()
	dec := kubeDecoder(t)
	var objs kubeObjects
	err := filepath.WalkDir(kubeDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := filepath.Ext(p)
		if d.IsDir() || (ext != ".yaml" && ext != ".yml") {
			return nil
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, kubeDir+string(filepath.Separator)))
		if rel == kustomizationFile {
			return nil
		}
		if path.Base(rel) == kustomizationFile {
			t.Errorf("%s: an overlay inside the base, which kustomize refuses (cycle detected): put it beside the base, as %s is", rel, singleDir)
			return nil
		}
		objs.files = append(objs.files, rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, obj := range decodeDocs(t, dec, rel, data) {
			objs.add(t, rel, obj)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(objs.files) == 0 {
		t.Fatalf("no manifests under %s", kubeDir)
	}
	return objs
}

// isEmptyYAML reports whether a document holds only comments and blanks.
func isEmptyYAML(doc []byte) bool {
	for line := range strings.Lines(string(doc)) {
		line = strings.TrimSpace(line)
		if line != "" && line != "---" && !strings.HasPrefix(line, "#") {
			return false
		}
	}
	return true
}

// one returns the only element of s, failing the test otherwise.
func one[T any](t *testing.T, kind string, s []T) T {
	t.Helper()
	if len(s) != 1 {
		t.Fatalf("want exactly one %s, got %d", kind, len(s))
	}
	return s[0]
}

// configEnv maps each environment variable the bot reads to its default,
// from config.Usage (envconfig's reading of Config's tags).
func configEnv(t *testing.T) map[string]string {
	t.Helper()
	env := make(map[string]string)
	for _, line := range strings.Split(strings.TrimSpace(config.Usage()), "\n") {
		f := strings.Split(line, "\t")
		env[f[0]] = f[1]
	}
	if len(env) < 2 {
		t.Fatal("config.Usage lists no variables")
	}
	// HTTP mode's settings, from the contract: the ones config does not
	// read yet are taken as the contract names them, and the ones it reads
	// must have the contract's defaults.
	for name, def := range httpModeEnv {
		got, ok := env[name]
		if !ok {
			env[name] = def
			continue
		}
		if got != def {
			t.Errorf("config.Usage: %s defaults to %q, the contract (and the HTTP overlay) to %q", name, got, def)
		}
	}
	return env
}

// finalStage is what the Kubernetes manifests must agree with in the
// Dockerfile's final stage.
type finalStage struct {
	user   string   // USER
	expose []string // EXPOSE
	cmd    []string // CMD, exec form
}

func readDockerfile(t *testing.T) finalStage {
	t.Helper()
	data, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var df finalStage
	for _, in := range dockerfile.Parse(data) {
		args := in.Args
		switch in.Cmd {
		case "FROM": // a new stage: only the last one's settings count
			df = finalStage{}
		case "USER":
			df.user = args
		case "EXPOSE":
			df.expose = append(df.expose, strings.Fields(args)...)
		case "CMD":
			df.cmd = nil
			if err := json.Unmarshal([]byte(args), &df.cmd); err != nil {
				t.Fatalf("Dockerfile: CMD %s: want the exec form, a JSON array: %v", args, err)
			}
		}
	}
	return df
}

func TestKubernetesManifestsDecodeStrictly(t *testing.T) {
	t.Parallel()
	objs := loadKubernetes(t)
	one(t, "Deployment", objs.deployments)
	one(t, "PodDisruptionBudget", objs.pdbs)
	one(t, "ConfigMap", objs.configMaps)
	if got := objs.secretFiles; !slices.Equal(got, []string{exampleSecretFile}) {
		t.Errorf("Secrets found in %v; want one, only in %s (real tokens never go in git)", got, exampleSecretFile)
	}
	if len(objs.pvcs) != 0 {
		t.Errorf("%d PersistentVolumeClaims in the base: its replicas share Postgres, and the SQLite volume belongs to %s", len(objs.pvcs), singleDir)
	}
	if n := len(objs.services) + len(objs.ingresses) + len(objs.hpas); n != 0 {
		t.Errorf("%d Services, Ingresses or autoscalers in the base: Socket Mode connects out, and HTTP mode's belong to %s", n, httpDir)
	}
	checkMeta(t, objs)
}

// checkMeta: every object named, labelled, and without a namespace.
func checkMeta(t *testing.T, objs kubeObjects) {
	t.Helper()
	for file, list := range objs.objectsByFile {
		for _, obj := range list {
			meta, ok := obj.(metav1.Object)
			if !ok {
				t.Fatalf("%s: a %T has no metadata", file, obj)
			}
			if meta.GetName() == "" {
				t.Errorf("%s: a %T has no name", file, obj)
			}
			if meta.GetNamespace() != "" {
				t.Errorf("%s: %s sets namespace %q; leave it to kubectl -n or the kustomization", file, meta.GetName(), meta.GetNamespace())
			}
			if got := meta.GetLabels()["app.kubernetes.io/name"]; got != "fractional-advisor" {
				t.Errorf("%s: %s has label app.kubernetes.io/name=%q, want fractional-advisor", file, meta.GetName(), got)
			}
		}
	}
}

func TestKubernetesDeployment(t *testing.T) {
	t.Parallel()
	objs := loadKubernetes(t)
	d := one(t, "Deployment", objs.deployments)
	secret := one(t, "Secret", objs.secrets)
	spec := d.Spec

	// Replicas against Slack's connection limit, during rollouts too.
	if spec.Replicas == nil {
		t.Fatal("replicas is not set")
	}
	replicas := int(*spec.Replicas)
	if replicas != 2 {
		t.Errorf("replicas = %d, want 2", replicas)
	}
	if spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || spec.Strategy.RollingUpdate == nil {
		t.Fatalf("strategy = %+v, want RollingUpdate with its parameters set", spec.Strategy)
	}
	ru := spec.Strategy.RollingUpdate
	surge, err := intstr.GetScaledValueFromIntOrPercent(ru.MaxSurge, replicas, true)
	if err != nil || ru.MaxSurge == nil {
		t.Fatalf("maxSurge %s: %v", show(ru.MaxSurge), err)
	}
	if replicas+surge > maxSocketModeConnections {
		t.Errorf("replicas %d + maxSurge %d = %d Socket Mode connections during a rollout; Slack allows %d per app",
			replicas, surge, replicas+surge, maxSocketModeConnections)
	}
	unavailable, err := intstr.GetScaledValueFromIntOrPercent(ru.MaxUnavailable, replicas, false)
	if err != nil || ru.MaxUnavailable == nil || unavailable != 0 {
		t.Errorf("maxUnavailable = %s, want 0: an old pod stops only once its replacement is connected", show(ru.MaxUnavailable))
	}

	checkPod(t, d, one(t, "ConfigMap", objs.configMaps), secret, readDockerfile(t), configEnv(t))

	// The database the replicas share, a postgres:// URL from the Secret;
	// without it the pods do not start.
	c := one(t, "container", d.Spec.Template.Spec.Containers)
	checkFromSecret(t, envByName(t, c.Env), dbVar, secret)
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			t.Errorf("volume %s: a PersistentVolumeClaim in the base, whose replicas share Postgres", v.Name)
		}
	}
}

// envByName indexes env by name, failing for a name set twice.
func envByName(t *testing.T, list []corev1.EnvVar) map[string]corev1.EnvVar {
	t.Helper()
	env := make(map[string]corev1.EnvVar)
	for _, e := range list {
		if _, dup := env[e.Name]; dup {
			t.Errorf("env %s is set twice", e.Name)
		}
		env[e.Name] = e
	}
	return env
}

// checkFromSecret: env name comes from the Secret that secret.example.yaml
// describes, from a key it has, and is not optional (a pod without it does
// not start).
func checkFromSecret(t *testing.T, env map[string]corev1.EnvVar, name string, secret *corev1.Secret) {
	t.Helper()
	e, ok := env[name]
	if !ok || e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
		t.Errorf("env %s must come from a secretKeyRef", name)
		return
	}
	ref := e.ValueFrom.SecretKeyRef
	if ref.Optional != nil && *ref.Optional {
		t.Errorf("env %s must not be optional: a pod without it must not start", name)
	}
	if ref.Name != secret.Name {
		t.Errorf("env %s reads Secret %q, but %s describes %q", name, ref.Name, exampleSecretFile, secret.Name)
	}
	if _, ok := secret.StringData[ref.Key]; !ok {
		t.Errorf("env %s reads key %q, missing from %s", name, ref.Key, exampleSecretFile)
	}
}

// checkEnvNames: every SLACK_ or ADVISOR_ variable is one config reads.
func checkEnvNames(t *testing.T, env []corev1.EnvVar, defaults map[string]string) {
	t.Helper()
	for _, e := range env {
		if _, known := defaults[e.Name]; !known && (strings.HasPrefix(e.Name, "SLACK_") || strings.HasPrefix(e.Name, "ADVISOR_")) {
			t.Errorf("env %s is not a setting of config.Config: a typo would be ignored silently", e.Name)
		}
	}
}

// checkPod checks what the base and every overlay share: the selector, the
// container and the image, shutdown, probes, resources, security, the
// environment and the content override.
func checkPod(t *testing.T, d *appsv1.Deployment, cm *corev1.ConfigMap, secret *corev1.Secret, df finalStage, defaults map[string]string) {
	t.Helper()
	spec := d.Spec
	pod := spec.Template.Spec

	// Selector, labels and scheduling.
	sel, err := metav1.LabelSelectorAsSelector(spec.Selector)
	if err != nil || sel.Empty() {
		t.Fatalf("selector %v: %v", spec.Selector, err)
	}
	if !sel.Matches(labels.Set(spec.Template.Labels)) {
		t.Errorf("selector %s does not match the pod labels %v", sel, spec.Template.Labels)
	}
	for _, c := range pod.TopologySpreadConstraints {
		if s, err := metav1.LabelSelectorAsSelector(c.LabelSelector); err != nil || !s.Matches(labels.Set(spec.Template.Labels)) {
			t.Errorf("topology spread selector %v does not match the pods", c.LabelSelector)
		}
	}

	// Shutdown: SIGKILL must not cut the drain short.
	c := one(t, "container", pod.Containers)
	env := envByName(t, c.Env)
	checkGracePeriod(t, pod.TerminationGracePeriodSeconds, c.Lifecycle, env, defaults)
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("automountServiceAccountToken must be false: the bot never calls the Kubernetes API")
	}

	// The container and the image.
	if c.Image == "" || strings.HasSuffix(c.Image, ":latest") || !strings.Contains(path.Base(c.Image), ":") && !strings.Contains(c.Image, "@") {
		t.Errorf("image %q: want a pinned tag or digest, not latest", c.Image)
	}
	if !slices.Equal(c.Args, []string{"serve"}) || len(c.Command) != 0 {
		t.Errorf("command %q args %q, want args [serve] and the image's entrypoint", c.Command, c.Args)
	}
	if !slices.Equal(df.cmd, c.Args) {
		t.Errorf("Dockerfile CMD %q differs from the Deployment's args %q", df.cmd, c.Args)
	}

	// The ports: the ops port, which the bot listens on and the image
	// exposes, and in HTTP mode Slack's (checkSlackPort).
	mode := slackMode(t, env, defaults)
	wantPorts := []string{"http"}
	if mode == httpMode {
		wantPorts = []string{"http", slackPortName}
		checkSlackPort(t, c.Ports, env, defaults)
	}
	ports := make(map[string]corev1.ContainerPort)
	for _, p := range c.Ports {
		ports[p.Name] = p
	}
	if got := slices.Sorted(maps.Keys(ports)); len(c.Ports) != len(wantPorts) || !slices.Equal(got, wantPorts) {
		t.Errorf("container ports %v, want %v in %s mode", got, wantPorts, mode)
	}
	port := ports["http"]
	if port.Name != "http" || port.ContainerPort != 8080 {
		t.Errorf("port = %s/%d, want http/8080", port.Name, port.ContainerPort)
	}
	addr := defaults["ADVISOR_HTTP_ADDR"]
	if e, ok := env["ADVISOR_HTTP_ADDR"]; ok {
		addr = e.Value
	}
	if _, p, err := net.SplitHostPort(addr); err != nil || p != strconv.Itoa(int(port.ContainerPort)) {
		t.Errorf("the bot listens on %q (ADVISOR_HTTP_ADDR) but the container port is %d", addr, port.ContainerPort)
	}
	if !slices.ContainsFunc(df.expose, func(s string) bool { return strings.TrimSuffix(s, "/tcp") == strconv.Itoa(int(port.ContainerPort)) }) {
		t.Errorf("Dockerfile EXPOSE %v lacks the container port %d", df.expose, port.ContainerPort)
	}

	// Probes.
	for _, p := range []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{{"readinessProbe", c.ReadinessProbe, "/readyz"}, {"livenessProbe", c.LivenessProbe, "/healthz"}} {
		if p.probe == nil || p.probe.HTTPGet == nil {
			t.Errorf("%s: want an httpGet probe", p.name)
			continue
		}
		if g := p.probe.HTTPGet; g.Path != p.path || g.Port != intstr.FromString("http") {
			t.Errorf("%s: GET %s on port %s, want GET %s on port http", p.name, g.Path, g.Port.String(), p.path)
		}
	}

	// Resources: requests and limits for CPU and memory, requests <= limits.
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, okReq := c.Resources.Requests[name]
		lim, okLim := c.Resources.Limits[name]
		if !okReq || !okLim || req.Sign() <= 0 {
			t.Errorf("resources: %s needs a request and a limit", name)
			continue
		}
		if req.Cmp(lim) > 0 {
			t.Errorf("resources: %s request %s is above its limit %s", name, req.String(), lim.String())
		}
	}

	// Security: non-root as the image's user, read-only, no privileges.
	uid, _, _ := strings.Cut(df.user, ":")
	psc, sc := pod.SecurityContext, c.SecurityContext
	if psc == nil || sc == nil {
		t.Fatal("want both the pod's and the container's securityContext")
	}
	if sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
		t.Error("runAsNonRoot must be true for the pod and the container")
	}
	for _, u := range []*int64{sc.RunAsUser, psc.RunAsUser} {
		if u == nil || *u != 65532 || strconv.FormatInt(*u, 10) != uid {
			t.Errorf("runAsUser = %s, want 65532, the Dockerfile's USER %q", show(u), df.user)
		}
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("readOnlyRootFilesystem must be true")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Error("allowPrivilegeEscalation must be false")
	}
	if sc.Privileged != nil && *sc.Privileged {
		t.Error("privileged must not be set")
	}
	if sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) != 0 {
		t.Errorf("capabilities = %s, want drop [ALL] and nothing added", show(sc.Capabilities))
	}
	for _, sp := range []*corev1.SeccompProfile{sc.SeccompProfile, psc.SeccompProfile} {
		if sp == nil || sp.Type != corev1.SeccompProfileTypeRuntimeDefault {
			t.Errorf("seccompProfile = %+v, want RuntimeDefault for the pod and the container", sp)
		}
	}

	// Environment: only variables the bot reads, tokens only from the Secret.
	checkEnvNames(t, c.Env, defaults)
	for name, e := range env {
		if e.Value != "" && (strings.Contains(e.Value, "xapp-") || strings.Contains(e.Value, "xox")) {
			t.Errorf("env %s holds a literal token; take it from the Secret", name)
		}
		if u, err := url.Parse(e.Value); err == nil && u.User != nil {
			if _, set := u.User.Password(); set {
				t.Errorf("env %s holds a literal password; take it from the Secret", name)
			}
		}
	}
	// The credentials of the mode: Socket Mode's app token, or HTTP mode's
	// signing secret instead (CONTRACT.md "HTTP mode").
	fromSecret := []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"}
	if mode == httpMode {
		fromSecret = []string{signingSecretVar, "SLACK_BOT_TOKEN"}
		if _, ok := env["SLACK_APP_TOKEN"]; ok {
			t.Error("env SLACK_APP_TOKEN is set in HTTP mode, which takes SLACK_SIGNING_SECRET instead: delete it")
		}
	}
	for _, name := range fromSecret {
		checkFromSecret(t, env, name, secret)
	}

	// The content override: mounted from the optional ConfigMap, and
	// switched on only by that ConfigMap's ADVISOR_CONTENT_DIR key.
	e, ok := env[contentDirVar]
	if !ok || e.Value != "" || e.ValueFrom == nil || e.ValueFrom.ConfigMapKeyRef == nil {
		t.Fatalf("env %s must come from a configMapKeyRef", contentDirVar)
	}
	if ref := e.ValueFrom.ConfigMapKeyRef; ref.Name != cm.Name || ref.Key != contentDirVar || ref.Optional == nil || !*ref.Optional {
		t.Errorf("env %s reads ConfigMap %q key %q optional %s, want ConfigMap %q key %s, optional", contentDirVar, ref.Name, ref.Key, show(ref.Optional), cm.Name, contentDirVar)
	}
	volumes := make(map[string]corev1.Volume)
	for _, v := range pod.Volumes {
		volumes[v.Name] = v
	}
	var mounted bool
	for _, m := range c.VolumeMounts {
		v, ok := volumes[m.Name]
		if !ok {
			t.Errorf("volumeMount %s: no such volume", m.Name)
			continue
		}
		if m.MountPath != contentMountPath {
			continue
		}
		mounted = true
		if !m.ReadOnly {
			t.Errorf("the content volume must be mounted read-only")
		}
		if v.ConfigMap == nil || v.ConfigMap.Name != cm.Name || v.ConfigMap.Optional == nil || !*v.ConfigMap.Optional {
			t.Errorf("volume %s: want ConfigMap %q with optional: true, so pods start without it", v.Name, cm.Name)
		}
	}
	if !mounted {
		t.Errorf("nothing is mounted at %s", contentMountPath)
	}
}

// checkGracePeriod: the pod's grace period (period) outlasts the preStop
// pause and the bot's drain, ADVISOR_SHUTDOWN_GRACE (in env, or its
// default); SIGKILL comes at its end.
func checkGracePeriod(t *testing.T, period *int64, l *corev1.Lifecycle, env map[string]corev1.EnvVar, defaults map[string]string) {
	t.Helper()
	grace := defaults["ADVISOR_SHUTDOWN_GRACE"]
	if e, ok := env["ADVISOR_SHUTDOWN_GRACE"]; ok {
		grace = e.Value
	}
	drain, err := time.ParseDuration(grace)
	if err != nil {
		t.Fatalf("ADVISOR_SHUTDOWN_GRACE %q: %v", grace, err)
	}
	// A preStop hook runs before SIGTERM, within the same period.
	var pause time.Duration
	if l != nil && l.PreStop != nil {
		if s := l.PreStop.Sleep; s == nil || l.PreStop.Exec != nil || l.PreStop.HTTPGet != nil || l.PreStop.TCPSocket != nil {
			t.Errorf("preStop = %+v: want a sleep action alone (the image has no shell)", l.PreStop)
		} else {
			pause = time.Duration(s.Seconds) * time.Second
		}
	}
	if period == nil || time.Duration(*period)*time.Second <= pause+drain {
		t.Errorf("terminationGracePeriodSeconds = %s, want more than the preStop pause %s plus the bot's %s drain (ADVISOR_SHUTDOWN_GRACE)", show(period), pause, drain)
	}
}

// show prints what p points to, or "unset".
func show[T any](p *T) string {
	if p == nil {
		return "unset"
	}
	if s, ok := any(p).(fmt.Stringer); ok { // IntOrString's String has a pointer receiver
		return s.String()
	}
	return fmt.Sprint(*p)
}

func TestKubernetesContentConfigMap(t *testing.T) {
	t.Parallel()
	objs := loadKubernetes(t)
	cm := one(t, "ConfigMap", objs.configMaps)

	// Off by default: the built-in knowledge base answers.
	if v, on := cm.Data[contentDirVar]; on {
		t.Errorf("ConfigMap %s sets %s=%q: the override must be off by default (comment the key out)", cm.Name, contentDirVar, v)
	}
	// The commented-out switch names the folder the Deployment mounts.
	raw, err := os.ReadFile(filepath.Join(kubeDir, "configmap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "# " + contentDirVar + ": " + contentMountPath + "\n"; !bytes.Contains(raw, []byte(want)) {
		t.Errorf("configmap.yaml should carry the switch, commented out: %q", want)
	}

	// The example entries are valid content.
	files := make(fstest.MapFS)
	for k, v := range cm.Data {
		files[k] = &fstest.MapFile{Data: []byte(v)}
	}
	if len(cm.BinaryData) != 0 {
		t.Error("binaryData has no place in the content ConfigMap")
	}
	kb, err := faq.Load(files)
	if err != nil {
		t.Fatalf("ConfigMap %s: %v", cm.Name, err)
	}
	// Enabled as shipped, it is refused at start with the missing entries
	// named, not served: one example entry would answer every question.
	if err := kb.Complete(); err == nil || !strings.Contains(err.Error(), "caio-vs-cto") {
		t.Errorf("the example content passes as a whole knowledge base (%v): enabling it as shipped would replace every answer", err)
	}
}

// TestKubernetesContentOverrideAsMounted loads the content ConfigMap from a
// folder laid out the way the kubelet mounts it, symlinks and all, with the
// ADVISOR_CONTENT_DIR switch on.
func TestKubernetesContentOverrideAsMounted(t *testing.T) {
	t.Parallel()
	cm := one(t, "ConfigMap", loadKubernetes(t).configMaps)
	dir := mountConfigMap(t, cm)
	kb, err := faq.Load(os.DirFS(dir))
	if err != nil {
		t.Fatalf("loading the ConfigMap as Kubernetes mounts it: %v", err)
	}
	if want := countEntryFiles(cm.Data); kb.Len() < want {
		t.Errorf("loaded %d entries from the mounted ConfigMap, want at least one from each of its %d files", kb.Len(), want)
	}
}

// countEntryFiles counts the YAML keys but the concepts file.
func countEntryFiles(data map[string]string) int {
	n := 0
	for k := range data {
		if ext := path.Ext(k); (ext == ".yaml" || ext == ".yml") && k != faq.ConceptsFile {
			n++
		}
	}
	return n
}

// mountConfigMap lays out cm's data as the kubelet mounts a ConfigMap
// volume: the files in a timestamped folder, a ..data symlink to it, and for
// each key a symlink key -> ..data/key. The switch key is written too, as it
// would be once switched on, to show the bot ignores it.
func mountConfigMap(t *testing.T, cm *corev1.ConfigMap) string {
	t.Helper()
	dir := t.TempDir()
	const stamp = "..2026_01_01_00_00_00.000000001"
	data := map[string]string{contentDirVar: contentMountPath}
	for k, v := range cm.Data {
		data[k] = v
	}
	if err := os.Mkdir(filepath.Join(dir, stamp), 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range data {
		if err := os.WriteFile(filepath.Join(dir, stamp, k), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(stamp, filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	for k := range data {
		if err := os.Symlink(filepath.Join("..data", k), filepath.Join(dir, k)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Patterns the repository's secret scan rejects; the example must not trip
// them, and must not be usable.
var tokenLike = []*regexp.Regexp{
	regexp.MustCompile(`xox[abpr]-[0-9]{6,}`),
	regexp.MustCompile(`xapp-[0-9]-[A-Z0-9]{6,}`),
}

func TestKubernetesExampleSecret(t *testing.T) {
	t.Parallel()
	objs := loadKubernetes(t)
	s := one(t, "Secret", objs.secrets)
	checkExampleSecret(t, path.Join(kubeDir, exampleSecretFile), s,
		map[string]string{"SLACK_APP_TOKEN": "xapp-", "SLACK_BOT_TOKEN": "xoxb-", dbVar: "postgres://"})
}

// checkExampleSecret checks the example Secret s, read from file: exactly
// the keys of want, each a placeholder starting with want's prefix and
// holding REPLACE-ME, nothing token-like in the file, and an ADVISOR_DB
// that the store reads as a Postgres URL.
func checkExampleSecret(t *testing.T, file string, s *corev1.Secret, want map[string]string) {
	t.Helper()
	if len(s.Data) != 0 {
		t.Errorf("%s: the example Secret should use stringData, readable placeholders, not data", file)
	}
	if got := slices.Sorted(maps.Keys(s.StringData)); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
		t.Errorf("%s: stringData keys = %v, want %v", file, got, slices.Sorted(maps.Keys(want)))
	}
	for k, v := range s.StringData {
		if !strings.HasPrefix(v, want[k]) || !strings.Contains(v, "REPLACE-ME") {
			t.Errorf("%s: %s = %q: want a placeholder like %sREPLACE-ME", file, k, v, want[k])
		}
		for _, re := range tokenLike {
			if re.MatchString(v) {
				t.Errorf("%s: %s = %q looks like a real token (%s)", file, k, v, re)
			}
		}
	}
	// The database: a Postgres URL, which the replicas can share.
	if dsn, err := store.ParseDSN(s.StringData[dbVar]); err != nil || dsn.Engine != store.Postgres {
		t.Errorf("%s: %s = %q: want a postgres:// URL the store accepts (engine %q, %v)", file, dbVar, s.StringData[dbVar], dsn.Engine, err)
	}
	raw, err := os.ReadFile(filepath.FromSlash(file))
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range tokenLike {
		if loc := re.FindIndex(raw); loc != nil {
			t.Errorf("%s contains something token-like: %q", file, raw[loc[0]:loc[1]])
		}
	}
}

func TestKubernetesPodDisruptionBudget(t *testing.T) {
	t.Parallel()
	objs := loadKubernetes(t)
	pdb := one(t, "PodDisruptionBudget", objs.pdbs)
	d := one(t, "Deployment", objs.deployments)
	if pdb.Spec.MinAvailable == nil || *pdb.Spec.MinAvailable != intstr.FromInt32(1) || pdb.Spec.MaxUnavailable != nil {
		t.Errorf("minAvailable = %s, maxUnavailable = %s; want minAvailable 1 only", show(pdb.Spec.MinAvailable), show(pdb.Spec.MaxUnavailable))
	}
	if d.Spec.Replicas == nil || *d.Spec.Replicas <= 1 {
		t.Error("with minAvailable 1, one replica could never be evicted: keep at least 2")
	}
	if !reflect.DeepEqual(pdb.Spec.Selector, d.Spec.Selector) {
		t.Errorf("PDB selector %v differs from the Deployment's %v", pdb.Spec.Selector, d.Spec.Selector)
	}
	if p := pdb.Spec.UnhealthyPodEvictionPolicy; p == nil || *p != policyv1.AlwaysAllow {
		t.Errorf("unhealthyPodEvictionPolicy = %s, want AlwaysAllow so a Slack outage cannot block node drains", show(p))
	}
}

// kustomization is the part of kustomize's Kustomization (v1beta1) this
// project uses. Decoding is strict and case-sensitive.
type kustomization struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Namespace  string   `yaml:"namespace"`
	Resources  []string `yaml:"resources"`
	Images     []struct {
		Name    string `yaml:"name"`
		NewName string `yaml:"newName"`
		NewTag  string `yaml:"newTag"`
		Digest  string `yaml:"digest"`
	} `yaml:"images"`
	// Patches, each a file: a target or an inline patch would need checks.
	Patches []struct {
		Path string `yaml:"path"`
	} `yaml:"patches"`
}

// readKustomization decodes dir's kustomization.yaml strictly.
func readKustomization(t *testing.T, dir string) kustomization {
	t.Helper()
	file := path.Join(dir, kustomizationFile)
	data, err := os.ReadFile(filepath.FromSlash(file))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var k kustomization
	if err := dec.Decode(&k); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" {
		t.Errorf("%s: apiVersion %q kind %q", file, k.APIVersion, k.Kind)
	}
	return k
}

// TestKubernetesNetworkPolicy: the bot's pods get DNS, HTTPS and Postgres
// out and the ops port in, and nothing else.
func TestKubernetesNetworkPolicy(t *testing.T) {
	t.Parallel()
	objs := loadKubernetes(t)
	np := one(t, "NetworkPolicy", objs.netpols)
	d := one(t, "Deployment", objs.deployments)
	db := dbPort(t, one(t, "Secret", objs.secrets))
	checkNetworkPolicy(t, np, d)
	checkNetworkRules(t, np.Spec, db, "TCP/"+db)
}

// dbPort is the port of the example Secret's database URL: the one the
// base's NetworkPolicy must let out.
func dbPort(t *testing.T, secret *corev1.Secret) string {
	t.Helper()
	u, err := url.Parse(secret.StringData[dbVar])
	if err != nil {
		t.Fatalf("%s in %s: %v", dbVar, exampleSecretFile, err)
	}
	if u.Port() == "" {
		return "5432" // libpq's and pgx's default
	}
	return u.Port()
}

// checkNetworkPolicy: the policy selects d's pods and covers both ways.
func checkNetworkPolicy(t *testing.T, np *networkingv1.NetworkPolicy, d *appsv1.Deployment) {
	t.Helper()
	if !reflect.DeepEqual(np.Spec.PodSelector, *d.Spec.Selector) {
		t.Errorf("podSelector %v does not select the Deployment's pods (%v)", np.Spec.PodSelector, d.Spec.Selector)
	}
	if !slices.Equal(np.Spec.PolicyTypes, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}) {
		t.Errorf("policyTypes = %v, want both", np.Spec.PolicyTypes)
	}
}

// checkNetworkRules: only the ops port in; out, DNS and 443 by port, since
// Slack's addresses change, plus the extra ports (PROTO/PORT) given. Only
// a rule for the database port (db, "" for none) may name destinations.
func checkNetworkRules(t *testing.T, spec networkingv1.NetworkPolicySpec, db string, extra ...string) {
	t.Helper()
	var in [][]networkingv1.NetworkPolicyPort
	for _, r := range spec.Ingress {
		in = append(in, r.Ports)
	}
	_, opsPort, _ := strings.Cut(configEnv(t)["ADVISOR_HTTP_ADDR"], ":")
	if got := policyPorts(in); !slices.Equal(got, []string{"TCP/" + opsPort}) {
		t.Errorf("ingress ports %v, want only the ops port TCP/%s", got, opsPort)
	}
	checkEgressRules(t, spec, db, extra...)
}

// policyPorts lists the ports of rules as PROTO/PORT, sorted.
func policyPorts(rules [][]networkingv1.NetworkPolicyPort) []string {
	var out []string
	for _, r := range rules {
		for _, p := range r {
			proto := corev1.ProtocolTCP // the API's default
			if p.Protocol != nil {
				proto = *p.Protocol
			}
			if p.Port == nil {
				out = append(out, string(proto)+"/any")
				continue
			}
			out = append(out, fmt.Sprintf("%s/%s", proto, p.Port.String()))
		}
	}
	slices.Sort(out)
	return out
}

// checkEgressRules: out, DNS and 443 by port, plus the extra ports
// (PROTO/PORT) given. Only a rule for the database port (db, "" for none)
// may name destinations.
func checkEgressRules(t *testing.T, spec networkingv1.NetworkPolicySpec, db string, extra ...string) {
	t.Helper()
	var out [][]networkingv1.NetworkPolicyPort
	for _, r := range spec.Egress {
		if len(r.To) != 0 && (db == "" || !slices.Equal(policyPorts([][]networkingv1.NetworkPolicyPort{r.Ports}), []string{"TCP/" + db})) {
			t.Errorf("an egress rule for %v names destinations %v: Slack's addresses change, so its rules go by port (only the database's rule may name where it is)",
				policyPorts([][]networkingv1.NetworkPolicyPort{r.Ports}), r.To)
		}
		out = append(out, r.Ports)
	}
	want := append([]string{"TCP/443", "TCP/53", "UDP/53"}, extra...)
	slices.Sort(want)
	if got := policyPorts(out); !slices.Equal(got, want) {
		t.Errorf("egress ports %v, want %v: DNS, 443 and the database's port if it has one, nothing else", got, want)
	}
}

func TestKubernetesKustomization(t *testing.T) {
	t.Parallel()
	objs := loadKubernetes(t)
	k := readKustomization(t, kubeDir)
	if len(k.Patches) != 0 {
		t.Errorf("%s: the base patches nothing; its files say what they are", kustomizationFile)
	}
	seen := make(map[string]bool)
	for _, r := range k.Resources {
		if seen[r] {
			t.Errorf("resource %s is listed twice", r)
		}
		seen[r] = true
		if _, err := os.Stat(filepath.Join(kubeDir, filepath.FromSlash(r))); err != nil {
			t.Errorf("resource %s: %v", r, err)
		}
	}
	if seen[exampleSecretFile] {
		t.Errorf("%s must not be a resource: applying it would replace the real tokens with placeholders", exampleSecretFile)
	}
	for _, f := range objs.files {
		if f != exampleSecretFile && !seen[f] {
			t.Errorf("%s is not listed in %s resources", f, kustomizationFile)
		}
	}
}
