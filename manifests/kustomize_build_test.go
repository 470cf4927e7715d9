package manifests

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
)

// kustomizePkg is built from the Go module proxy (or the module cache) to
// build the kustomizations as kubectl apply -k would. v5.8.3 needs Go 1.27.
const kustomizePkg = "sigs.k8s.io/kustomize/kustomize/v5@v5.8.2"

// TestKubernetesKustomizeBuild builds the base and the overlays with
// kustomize itself, decodes the output strictly and checks it: the base
// comes out as its files, and the overlays' patches merge as intended.
func TestKubernetesKustomizeBuild(t *testing.T) {
	t.Parallel()
	bin := kustomizeBinary(t)
	t.Run(kubeDir, func(t *testing.T) {
		t.Parallel()
		built := kustomizeBuild(t, bin, kubeDir)
		files := loadKubernetes(t)
		want := make(map[string]runtime.Object)
		for file, list := range files.objectsByFile {
			for _, obj := range list {
				if file != exampleSecretFile {
					want[objectKey(obj)] = obj
				}
			}
		}
		got := make(map[string]runtime.Object)
		for _, list := range built.objectsByFile {
			for _, obj := range list {
				got[objectKey(obj)] = obj
			}
		}
		for k, obj := range want {
			if !reflect.DeepEqual(got[k], obj) {
				t.Errorf("%s: kustomize build %s lacks it or changes it: compare its output with the file", k, kubeDir)
			}
		}
		for k := range got {
			if want[k] == nil {
				t.Errorf("%s: in the build, in no listed file", k)
			}
		}
	})
	t.Run(singleDir, func(t *testing.T) {
		t.Parallel()
		checkSingleBuild(t, kustomizeBuild(t, bin, singleDir))
	})
	t.Run(httpDir, func(t *testing.T) {
		t.Parallel()
		checkHTTPBuild(t, kustomizeBuild(t, bin, httpDir))
	})
}

func objectKey(obj runtime.Object) string {
	return obj.GetObjectKind().GroupVersionKind().String() + " " + objectName(obj)
}

// kustomizeBinary installs kustomizePkg into a temporary folder, or skips
// the test where it cannot (no go command, no proxy and no cached module).
func kustomizeBinary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "install", kustomizePkg)
	cmd.Env = append(os.Environ(), "GOBIN="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("kustomize cannot be built here (go install %s: %v %s): the overlays are checked file by file only", kustomizePkg, err, lastLine(out))
	}
	return filepath.Join(dir, "kustomize")
}

// kustomizeBuild runs kustomize build on dir and decodes its output.
func kustomizeBuild(t *testing.T, bin, dir string) kubeObjects {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "build", dir)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kustomize build %s: %v\n%s", dir, err, stderr.Bytes())
	}
	var objs kubeObjects
	for _, obj := range decodeDocs(t, kubeDecoder(t), "kustomize build "+dir, out) {
		objs.add(t, "kustomize build "+dir, obj)
	}
	return objs
}

// lastLine is the last non-blank line of out.
func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}
