package manifests

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/fractional-advisor/fractional-advisor/internal/store"
)

// The single overlay: one replica, SQLite on a volume. It sits beside the
// base, since kustomize refuses an overlay inside its base's folder.
const (
	singleDir = "kubernetes-single"
	// The base, as the overlays name it in resources.
	overlayBase = "../" + kubeDir
	// Where SQLite writes temporary files once the variables and /var/tmp
	// and /usr/tmp are not writable (unixTempFileDir in its os_unix.c).
	sqliteTempDir = "/tmp"
)

// overlay is an overlay's folder, read file by file.
type overlay struct {
	dir       string
	k         kustomization
	resources kubeObjects      // from its own resource files
	patches   map[string]patch // by file
	// secret is the overlay's own secret.example.yaml, where it has one:
	// like the base's, in the folder but not in the kustomization.
	secret *corev1.Secret
}

// patch is one patch file: a strategic merge patch, decoded strictly as the
// whole object it patches (obj), or one that deletes an object (del). raw
// holds the YAML as a tree, for what a typed object cannot tell: a field
// set to null, which deletes the base's. deletes lists the list entries the
// patch deletes (`$patch: delete`, no field of a Kubernetes type, so taken
// out before the strict decoding), each as the keys down to its list and
// its name, joined by "/": spec/template/spec/containers/NAME/env/NAME.
type patch struct {
	obj     runtime.Object
	del     *deletePatch
	raw     map[string]any
	deletes []string
}

// deletePatch is a patch that deletes a whole object. Its $patch key is no
// field of a Kubernetes type, so it is decoded strictly into this instead.
type deletePatch struct {
	Patch      string `yaml:"$patch"`
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
}

// loadOverlay reads dir's kustomization, decodes its resource files and
// patches strictly, and checks that every YAML file in dir is one or the
// other and that the first resource is the base.
func loadOverlay(t *testing.T, dir string) overlay {
	t.Helper()
	dec := kubeDecoder(t)
	o := overlay{dir: dir, k: readKustomization(t, dir), patches: make(map[string]patch)}
	listed := make(map[string]string) // file -> resources or patches
	list := func(file, as string) bool {
		if prev, dup := listed[file]; dup {
			t.Errorf("%s: %s is listed twice (%s and %s)", dir, file, prev, as)
			return false
		}
		listed[file] = as
		return true
	}
	if len(o.k.Resources) == 0 || o.k.Resources[0] != overlayBase {
		t.Errorf("%s: resources %v: want the base, %s, first", dir, o.k.Resources, overlayBase)
	}
	for _, r := range o.k.Resources {
		if r == overlayBase || !list(r, "resources") {
			continue
		}
		if strings.Contains(r, "/") {
			t.Errorf("%s: resource %s: want the base or a file of this folder", dir, r)
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, r))
		if err != nil {
			t.Errorf("%s: resource %s: %v", dir, r, err)
			continue
		}
		for _, obj := range decodeDocs(t, dec, path.Join(dir, r), data) {
			o.resources.add(t, r, obj)
		}
	}
	for _, p := range o.k.Patches {
		if !list(p.Path, "patches") {
			continue
		}
		o.patches[p.Path] = readPatch(t, dec, dir, p.Path)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir():
			t.Errorf("%s: folder %s: an overlay is one folder", dir, name)
		case name == kustomizationFile:
		case name == exampleSecretFile:
			if _, ok := listed[name]; ok {
				t.Errorf("%s: %s must not be listed: applying it would replace the real secrets with placeholders", dir, name)
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			objs := decodeDocs(t, dec, path.Join(dir, name), data)
			if len(objs) != 1 {
				t.Fatalf("%s/%s: %d objects, want one Secret", dir, name, len(objs))
			}
			var ok bool
			if o.secret, ok = objs[0].(*corev1.Secret); !ok {
				t.Fatalf("%s/%s holds a %T, want a Secret", dir, name, objs[0])
			}
		case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
			if _, ok := listed[name]; !ok {
				t.Errorf("%s: %s is neither a resource nor a patch of %s", dir, name, kustomizationFile)
			}
		}
	}
	return o
}

// readPatch decodes a patch file, which must hold one document.
func readPatch(t *testing.T, dec runtime.Decoder, dir, file string) patch {
	t.Helper()
	where := path.Join(dir, file)
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	var p patch
	if err := yaml.Unmarshal(data, &p.raw); err != nil || p.raw == nil {
		t.Fatalf("%s: want one YAML mapping: %v", where, err)
	}
	if _, ok := p.raw["$patch"]; ok {
		yd := yaml.NewDecoder(bytes.NewReader(data))
		yd.KnownFields(true)
		p.del = new(deletePatch)
		if err := yd.Decode(p.del); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		if p.del.Patch != "delete" {
			t.Errorf("%s: $patch: %s, want delete or no $patch", where, p.del.Patch)
		}
		return p
	}
	p.deletes = stripListDeletes(t, where, p.raw, nil)
	if len(p.deletes) != 0 {
		// Decoded strictly without them; the tree holds the rest as is.
		if data, err = yaml.Marshal(p.raw); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
	}
	objs := decodeDocs(t, dec, where, data)
	if len(objs) != 1 {
		t.Fatalf("%s: %d objects, want one per patch", where, len(objs))
	}
	p.obj = objs[0]
	return p
}

// stripListDeletes takes out of the tree v every list entry that is a
// `$patch: delete` of an entry by name, and returns where each was (see
// patch.deletes); at is the keys down to v. Such an entry must hold the
// name and the directive only.
func stripListDeletes(t *testing.T, where string, v any, at []string) []string {
	t.Helper()
	var found []string
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			if l, ok := sub.([]any); ok {
				kept := make([]any, 0, len(l)) // not nil: an emptied list is [], not null
				for _, e := range l {
					m := asMap(e)
					if _, ok := m["$patch"]; !ok {
						kept = append(kept, e)
						continue
					}
					name, _ := m["name"].(string)
					if m["$patch"] != "delete" || name == "" || len(m) != 2 {
						t.Errorf("%s: %s: entry %v: want only a name and $patch: delete", where, strings.Join(append(at, k), "/"), m)
						continue
					}
					found = append(found, strings.Join(append(slices.Clone(at), k, name), "/"))
				}
				if len(kept) != len(l) {
					v[k] = kept
				}
				sub = kept
			}
			found = append(found, stripListDeletes(t, where, sub, append(slices.Clone(at), k))...)
		}
	case []any:
		for i, e := range v {
			key := strconv.Itoa(i)
			if name, ok := asMap(e)["name"].(string); ok {
				key = name
			}
			found = append(found, stripListDeletes(t, where, e, append(slices.Clone(at), key))...)
		}
	}
	return found
}

// target is what a patch applies to: kustomize matches by group, version,
// kind and name.
type target struct {
	gvk  schema.GroupVersionKind
	name string
}

func (p patch) target() target {
	if p.del != nil {
		return target{schema.FromAPIVersionAndKind(p.del.APIVersion, p.del.Kind), p.del.Metadata.Name}
	}
	return target{p.obj.GetObjectKind().GroupVersionKind(), objectName(p.obj)}
}

func objectName(obj runtime.Object) string {
	if m, ok := obj.(interface{ GetName() string }); ok {
		return m.GetName()
	}
	return ""
}

// patchOf returns the overlay's only patch of an object of type T, and
// its file.
func patchOf[T runtime.Object](t *testing.T, o overlay) (T, patch) {
	t.Helper()
	var found []string
	for file, p := range o.patches {
		if _, ok := p.obj.(T); ok {
			found = append(found, file)
		}
	}
	var zero T
	if len(found) != 1 {
		t.Fatalf("%s: want one patch of a %T, found %v", o.dir, zero, found)
	}
	p := o.patches[found[0]]
	return p.obj.(T), p
}

// lookup walks raw along keys and reports whether the last key is present
// and what it holds.
func lookup(raw map[string]any, keys ...string) (any, bool) {
	var v any = raw
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// isNull reports whether the field at keys is present and null.
func isNull(raw map[string]any, keys ...string) bool {
	v, ok := lookup(raw, keys...)
	return ok && v == nil
}

// container returns the named container of the pod, failing without it.
func container(t *testing.T, pod corev1.PodSpec, name string) corev1.Container {
	t.Helper()
	for _, c := range pod.Containers {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no container %q", name)
	return corev1.Container{}
}

func TestKubernetesSingleOverlay(t *testing.T) {
	t.Parallel()
	o := loadOverlay(t, singleDir)
	checkMeta(t, o.resources)
	if got := len(o.resources.objectsByFile); got != len(o.resources.pvcs) || got != 1 {
		t.Errorf("%s adds %d resources, want only its PersistentVolumeClaim", singleDir, got)
	}

	checkPatchTargets(t, o)
}

// checkPatchTargets: each patch of the overlay targets an object of the
// base, one patch per object.
func checkPatchTargets(t *testing.T, o overlay) {
	t.Helper()
	base := make(map[target]bool)
	for file, list := range loadKubernetes(t).objectsByFile {
		if file == exampleSecretFile {
			continue
		}
		for _, obj := range list {
			base[target{obj.GetObjectKind().GroupVersionKind(), objectName(obj)}] = true
		}
	}
	patched := make(map[target]string)
	for file, p := range o.patches {
		tg := p.target()
		if !base[tg] {
			t.Errorf("%s/%s patches %s %q, which the base does not have: kustomize would fail", o.dir, file, tg.gvk, tg.name)
		}
		if prev, dup := patched[tg]; dup {
			t.Errorf("%s %q is patched by both %s and %s: one patch per object", tg.gvk.Kind, tg.name, prev, file)
		}
		patched[tg] = file
	}
}

// TestKubernetesSingleDeploymentPatch checks what the overlay's Deployment
// patch sets, the nulls that remove the base's fields included.
func TestKubernetesSingleDeploymentPatch(t *testing.T) {
	t.Parallel()
	o := loadOverlay(t, singleDir)
	d, p := patchOf[*appsv1.Deployment](t, o)
	pvc := one(t, "PersistentVolumeClaim", o.resources.pvcs)
	checkSingleDeployment(t, d, pvc)
	c := container(t, d.Spec.Template.Spec, "fractional-advisor")
	checkEnvNames(t, c.Env, configEnv(t))

	// Merged into the base, the patch must delete what Recreate and a
	// literal value forbid beside them; the API server refuses both.
	if !isNull(p.raw, "spec", "strategy", "rollingUpdate") {
		t.Error("the Deployment patch must set strategy.rollingUpdate: null: the base's parameters stay otherwise, and Recreate refuses them")
	}
	containers, _ := lookup(p.raw, "spec", "template", "spec", "containers")
	var nulled bool
	for _, c := range asList(containers) {
		for _, e := range asList(asMap(c)["env"]) {
			if asMap(e)["name"] == dbVar {
				nulled = isNull(asMap(e), "valueFrom")
			}
		}
	}
	if !nulled {
		t.Errorf("the Deployment patch must set %s's valueFrom: null: the base's secretKeyRef stays otherwise, beside the value", dbVar)
	}

	// The root filesystem stays read-only: the patch leaves the
	// container's securityContext to the base, and the base's holds.
	if c.SecurityContext != nil {
		t.Errorf("the Deployment patch sets the container's securityContext %+v; leave it to the base's (read-only root filesystem)", c.SecurityContext)
	}
	bc := one(t, "container", one(t, "Deployment", loadKubernetes(t).deployments).Spec.Template.Spec.Containers)
	if sc := bc.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("the base's container must keep readOnlyRootFilesystem: true, which the overlay inherits")
	}
}

// asList and asMap read a YAML tree, giving nil for anything else.
func asList(v any) []any         { l, _ := v.([]any); return l }
func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

// checkSingleDeployment checks d, the overlay's patch or its build, as
// one replica on SQLite: what the patch must set.
func checkSingleDeployment(t *testing.T, d *appsv1.Deployment, pvc *corev1.PersistentVolumeClaim) {
	t.Helper()
	spec := d.Spec
	pod := spec.Template.Spec
	if spec.Replicas == nil || *spec.Replicas != 1 {
		t.Errorf("replicas = %s, want 1: SQLite allows one replica", show(spec.Replicas))
	}
	if spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType || spec.Strategy.RollingUpdate != nil {
		t.Errorf("strategy = %+v, want Recreate alone: the old pod must stop before the new one opens the SQLite file", spec.Strategy)
	}

	// ADVISOR_DB: a literal SQLite path, replacing the base's Secret.
	c := container(t, pod, "fractional-advisor")
	env := envByName(t, c.Env)
	e, ok := env[dbVar]
	if !ok || e.ValueFrom != nil {
		t.Fatalf("env %s = %+v: want a literal value, no valueFrom", dbVar, e)
	}
	dsn, err := store.ParseDSN(e.Value)
	if err != nil || dsn.Engine != store.SQLite || !path.IsAbs(dsn.Path) {
		t.Fatalf("env %s = %q: want sqlite: and an absolute path (%v)", dbVar, e.Value, err)
	}

	// The file's folder is the claim's volume, writable by the image's
	// nonroot group.
	volumes := make(map[string]corev1.Volume)
	for _, v := range pod.Volumes {
		volumes[v.Name] = v
	}
	mounts := make(map[string]corev1.VolumeMount)
	for _, m := range c.VolumeMounts {
		mounts[m.MountPath] = m
	}
	dir := path.Dir(dsn.Path)
	m, ok := mounts[dir]
	if !ok {
		t.Errorf("nothing is mounted at %s, the folder of %s (SQLite writes its -wal and -shm files beside it)", dir, dsn.Path)
	} else {
		v := volumes[m.Name]
		if v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != pvc.Name || v.PersistentVolumeClaim.ReadOnly {
			t.Errorf("volume %q at %s: want the claim %s, writable", m.Name, dir, pvc.Name)
		}
		if m.ReadOnly || m.SubPath != "" || m.SubPathExpr != "" {
			t.Errorf("the mount at %s must be writable and the whole volume", dir)
		}
	}
	if psc := pod.SecurityContext; psc == nil || psc.FSGroup == nil || *psc.FSGroup != 65532 {
		t.Error("the pod needs fsGroup: 65532, the image's nonroot group, to write the volume")
	}

	// With the root read-only, SQLite's temporary files need a folder.
	if m, ok := mounts[sqliteTempDir]; !ok || m.ReadOnly || volumes[m.Name].EmptyDir == nil {
		t.Errorf("want a writable emptyDir at %s: SQLite writes temporary files there, the root filesystem being read-only", sqliteTempDir)
	}
}

func TestKubernetesSinglePersistentVolumeClaim(t *testing.T) {
	t.Parallel()
	pvc := one(t, "PersistentVolumeClaim", loadOverlay(t, singleDir).resources.pvcs)
	if !slices.Equal(pvc.Spec.AccessModes, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}) {
		t.Errorf("accessModes = %v, want [ReadWriteOnce]: one node holds the SQLite file", pvc.Spec.AccessModes)
	}
	if size, ok := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; !ok || size.Sign() <= 0 {
		t.Error("the claim must request its storage")
	}
}

// TestKubernetesSingleNetworkPolicyPatch: the overlay states its whole
// rules, without the base's database port. The lists replace the base's,
// so a list left out would keep the base's.
func TestKubernetesSingleNetworkPolicyPatch(t *testing.T) {
	t.Parallel()
	np, p := patchOf[*networkingv1.NetworkPolicy](t, loadOverlay(t, singleDir))
	for _, key := range []string{"ingress", "egress"} {
		if v, _ := lookup(p.raw, "spec", key); len(asList(v)) == 0 {
			t.Errorf("the NetworkPolicy patch must state its %s rules: it would keep the base's otherwise", key)
		}
	}
	checkNetworkRules(t, np.Spec, "")
}

// TestKubernetesSinglePodDisruptionBudget: deleted, since minAvailable 1
// on one replica blocks every node drain.
func TestKubernetesSinglePodDisruptionBudget(t *testing.T) {
	t.Parallel()
	o := loadOverlay(t, singleDir)
	pdb := one(t, "PodDisruptionBudget", loadKubernetes(t).pdbs)
	var deleted bool
	for _, p := range o.patches {
		if p.del != nil && p.del.Kind == "PodDisruptionBudget" && p.del.APIVersion == "policy/v1" && p.del.Metadata.Name == pdb.Name {
			deleted = true
		}
	}
	if !deleted {
		t.Errorf("%s must delete the base's PodDisruptionBudget %s: with one replica, minAvailable 1 blocks node drains", singleDir, pdb.Name)
	}
	if n := len(o.resources.pdbs); n != 0 {
		t.Errorf("%s adds %d PodDisruptionBudgets", singleDir, n)
	}
}

// checkSingleBuild checks the overlay as kustomize builds it.
func checkSingleBuild(t *testing.T, objs kubeObjects) {
	t.Helper()
	base := loadKubernetes(t)
	d := one(t, "Deployment", objs.deployments)
	pvc := one(t, "PersistentVolumeClaim", objs.pvcs)
	cm := one(t, "ConfigMap", objs.configMaps)
	checkMeta(t, objs)
	checkPod(t, d, cm, one(t, "Secret", base.secrets), readDockerfile(t), configEnv(t))
	checkSingleDeployment(t, d, pvc)
	np := one(t, "NetworkPolicy", objs.netpols)
	checkNetworkPolicy(t, np, d)
	checkNetworkRules(t, np.Spec, "")
	if n := len(objs.pdbs); n != 0 {
		t.Errorf("%d PodDisruptionBudgets, want none with one replica", n)
	}
	if n := len(objs.secrets); n != 0 {
		t.Errorf("%d Secrets in the build: the Secret is created by hand", n)
	}
}
