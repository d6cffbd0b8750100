// Command pusher is the Go client's side of the end-to-end tests (test_go_client.py,
// test_native_histogram_scrape.py): it pushes a fixed set of collectors with
// github.com/prometheus/client_golang/prometheus/push, in that client's default format
// (length-delimited protobuf), and scrapes a gateway in protobuf.
//
//	pusher [-instance I] [-gzip] push   URL JOB   PUT the "push" set to URL/metrics/job/JOB/instance/I
//	pusher [-instance I] [-gzip] add    URL JOB   POST the "add" set to the same group
//	pusher [-instance I]         delete URL JOB   DELETE the group
//	pusher                       scrape URL       GET URL/metrics with the delimited protobuf Accept
//
// push, add and delete print one JSON object: every HTTP request the client made (method,
// path, request Content-Type and Content-Encoding, response status and body) and the error
// the client returned, if any (then the exit status is 1). -gzip compresses the request body
// the client produced (the client itself has no such option) and sends Content-Encoding: gzip.
//
// scrape prints one JSON object: status, Content-Type and, when the answer is delimited
// protobuf, every MetricFamily exactly as decoded (no validation, no normalisation). Floats
// are strings in Go's shortest %g form ("+Inf", "NaN", "7.1"), because JSON has no NaN.
//
// The observed values are fixed; the Python tests state the same values as expectations.
//
// Built in GOPATH mode from Debian's packages (GO111MODULE=off GOPATH=/usr/share/gocode).
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/matttproud/golang_protobuf_extensions/pbutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
)

// The Accept header Prometheus sends first; the gateway answers it with delimited protobuf.
const protobufAccept = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"

// Observations of the native histogram e2e_go_latency_seconds (bucket factor 1.1: schema 3).
// test_go_client.py and test_native_histogram_scrape.py expect these, in this order (the
// order fixes the float sum).
var (
	pushNativeObservations = []float64{0, 1, 1.1, 2, 2, 5, -1, -3, 0}
	addNativeObservations  = []float64{0.5, 3}
)

// pushSet is what `push` sends: a counter, a gauge, a classic histogram, a summary and a
// native histogram.
func pushSet() *prometheus.Registry {
	registry := prometheus.NewRegistry()

	jobs := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "e2e_go_jobs_total", Help: "Jobs run by the Go pusher.",
	}, []string{"result"})
	jobs.WithLabelValues("ok").Add(3)
	jobs.WithLabelValues("failed").Add(1)

	queue := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "e2e_go_queue_length", Help: "Items waiting in the queue.",
	})
	queue.Set(7)

	steps := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "e2e_go_step_seconds", Help: "Duration of the batch steps.",
		Buckets: []float64{0.1, 1, 10},
	})
	for _, v := range []float64{0.05, 0.5, 5} {
		steps.Observe(v)
	}

	payload := prometheus.NewSummary(prometheus.SummaryOpts{
		Name: "e2e_go_payload_bytes", Help: "Size of the payloads.",
		Objectives: map[float64]float64{0.5: 0.05, 0.99: 0.001},
	})
	for _, v := range []float64{100, 200, 300} {
		payload.Observe(v)
	}

	registry.MustRegister(jobs, queue, steps, payload, nativeHistogram(pushNativeObservations))
	return registry
}

// addSet is what `add` sends: the gauge and the native histogram again with other values,
// and a gauge the push set does not have.
func addSet() *prometheus.Registry {
	registry := prometheus.NewRegistry()

	queue := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "e2e_go_queue_length", Help: "Items waiting in the queue.",
	})
	queue.Set(11)

	lastSuccess := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "e2e_go_last_success_timestamp_seconds", Help: "Last time the batch succeeded.",
	})
	lastSuccess.Set(1.7e9)

	registry.MustRegister(queue, lastSuccess, nativeHistogram(addNativeObservations))
	return registry
}

// nativeHistogram has no classic buckets: Buckets is nil and NativeHistogramBucketFactor > 1.
func nativeHistogram(observations []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "e2e_go_latency_seconds", Help: "Latency of the batch calls.",
		NativeHistogramBucketFactor: 1.1,
	})
	for _, v := range observations {
		h.Observe(v)
	}
	return h
}

// --- push, add, delete -----------------------------------------------------------------

type exchange struct {
	Method          string `json:"method"`
	Path            string `json:"path"`
	ContentType     string `json:"content_type"`
	ContentEncoding string `json:"content_encoding"`
	Status          int    `json:"status"`
	Body            string `json:"body"`
}

// recorder is the push.HTTPDoer: it records each exchange and optionally gzips the body.
type recorder struct {
	client    *http.Client
	gzip      bool
	exchanges []exchange
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	if r.gzip && req.Body != nil {
		plain, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		var compressed bytes.Buffer
		w := gzip.NewWriter(&compressed)
		if _, err := w.Write(plain); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(compressed.Bytes()))
		req.ContentLength = int64(compressed.Len())
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.exchanges = append(r.exchanges, exchange{
		Method: req.Method, Path: req.URL.RequestURI(),
		ContentType: req.Header.Get("Content-Type"), ContentEncoding: req.Header.Get("Content-Encoding"),
		Status: resp.StatusCode, Body: string(body),
	})
	// The client reads the body again for its error message.
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func pushCommand(command, url, job, instance string, gzipBody bool) int {
	rec := &recorder{client: httpClient(), gzip: gzipBody}
	pusher := push.New(url, job).Grouping("instance", instance).Client(rec)
	var err error
	switch command {
	case "push":
		err = pusher.Gatherer(pushSet()).Push()
	case "add":
		err = pusher.Gatherer(addSet()).Add()
	case "delete":
		err = pusher.Delete()
	}
	result := struct {
		Requests []exchange `json:"requests"`
		Error    *string    `json:"error"`
	}{Requests: rec.exchanges}
	if err != nil {
		text := err.Error()
		result.Error = &text
	}
	printJSON(result)
	if err != nil {
		return 1
	}
	return 0
}

// --- scrape ------------------------------------------------------------------------------

type family struct {
	Name    string   `json:"name"`
	Help    *string  `json:"help"`
	Type    string   `json:"type"`
	Metrics []metric `json:"metrics"`
}

type metric struct {
	Labels      map[string]string `json:"labels"`
	TimestampMs *int64            `json:"timestamp_ms,omitempty"`
	Value       *string           `json:"value,omitempty"` // counter, gauge, untyped
	Summary     *summary          `json:"summary,omitempty"`
	Histogram   *histogram        `json:"histogram,omitempty"`
}

type summary struct {
	Count     uint64      `json:"count"`
	Sum       string      `json:"sum"`
	Quantiles [][2]string `json:"quantiles"` // [quantile, value]
}

type histogram struct {
	Count      uint64     `json:"count"`
	CountFloat *string    `json:"count_float,omitempty"`
	Sum        string     `json:"sum"`
	Buckets    []bucket   `json:"buckets"` // classic, as sent (cumulative)
	Schema     *int32     `json:"schema"`  // null: no native part
	ZeroThresh *string    `json:"zero_threshold"`
	ZeroCount  *uint64    `json:"zero_count"`
	PosSpans   [][2]int64 `json:"positive_spans"` // [offset, length]
	PosDeltas  []int64    `json:"positive_deltas"`
	PosCounts  []string   `json:"positive_counts,omitempty"` // float histograms
	NegSpans   [][2]int64 `json:"negative_spans"`
	NegDeltas  []int64    `json:"negative_deltas"`
	NegCounts  []string   `json:"negative_counts,omitempty"`
}

type bucket struct {
	UpperBound      string `json:"upper_bound"`
	CumulativeCount uint64 `json:"cumulative_count"`
}

func scrapeCommand(url string) int {
	req, err := http.NewRequest(http.MethodGet, url+"/metrics", nil)
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Accept", protobufAccept)
	resp, err := httpClient().Do(req)
	if err != nil {
		return fail(err)
	}
	defer resp.Body.Close()
	result := struct {
		Status          int      `json:"status"`
		ContentType     string   `json:"content_type"`
		ContentEncoding string   `json:"content_encoding"`
		Families        []family `json:"families"`
		Body            *string  `json:"body,omitempty"` // when not protobuf
	}{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
		ContentEncoding: resp.Header.Get("Content-Encoding")}
	if resp.StatusCode == http.StatusOK && expfmt.ResponseFormat(resp.Header) == expfmt.FmtProtoDelim {
		result.Families = []family{}
		for {
			var mf dto.MetricFamily
			if _, err := pbutil.ReadDelimited(resp.Body, &mf); err == io.EOF {
				break
			} else if err != nil {
				return fail(fmt.Errorf("decoding the protobuf scrape after %d families: %w",
					len(result.Families), err))
			}
			result.Families = append(result.Families, familyJSON(&mf))
		}
	} else {
		body, err := io.ReadAll(io.LimitReader(resp.Body, 4000))
		if err != nil {
			return fail(err)
		}
		text := string(body)
		result.Body = &text
	}
	printJSON(result)
	return 0
}

func familyJSON(mf *dto.MetricFamily) family {
	f := family{Name: mf.GetName(), Help: mf.Help, Type: mf.GetType().String(), Metrics: []metric{}}
	for _, m := range mf.GetMetric() {
		out := metric{Labels: map[string]string{}, TimestampMs: m.TimestampMs}
		for _, l := range m.GetLabel() {
			out.Labels[l.GetName()] = l.GetValue()
		}
		switch {
		case m.Counter != nil:
			out.Value = floatPtr(m.Counter.GetValue())
		case m.Gauge != nil:
			out.Value = floatPtr(m.Gauge.GetValue())
		case m.Untyped != nil:
			out.Value = floatPtr(m.Untyped.GetValue())
		case m.Summary != nil:
			s := &summary{Count: m.Summary.GetSampleCount(), Sum: formatFloat(m.Summary.GetSampleSum()),
				Quantiles: [][2]string{}}
			for _, q := range m.Summary.GetQuantile() {
				s.Quantiles = append(s.Quantiles, [2]string{formatFloat(q.GetQuantile()), formatFloat(q.GetValue())})
			}
			out.Summary = s
		case m.Histogram != nil:
			out.Histogram = histogramJSON(m.Histogram)
		}
		f.Metrics = append(f.Metrics, out)
	}
	return f
}

func histogramJSON(h *dto.Histogram) *histogram {
	out := &histogram{
		Count: h.GetSampleCount(), Sum: formatFloat(h.GetSampleSum()), Buckets: []bucket{},
		Schema: h.Schema, ZeroCount: h.ZeroCount,
		PosSpans: spansJSON(h.GetPositiveSpan()), PosDeltas: h.GetPositiveDelta(),
		NegSpans: spansJSON(h.GetNegativeSpan()), NegDeltas: h.GetNegativeDelta(),
	}
	if h.SampleCountFloat != nil {
		out.CountFloat = floatPtr(h.GetSampleCountFloat())
	}
	if h.ZeroThreshold != nil {
		out.ZeroThresh = floatPtr(h.GetZeroThreshold())
	}
	for _, b := range h.GetBucket() {
		out.Buckets = append(out.Buckets, bucket{formatFloat(b.GetUpperBound()), b.GetCumulativeCount()})
	}
	for _, c := range h.GetPositiveCount() {
		out.PosCounts = append(out.PosCounts, formatFloat(c))
	}
	for _, c := range h.GetNegativeCount() {
		out.NegCounts = append(out.NegCounts, formatFloat(c))
	}
	if out.PosDeltas == nil {
		out.PosDeltas = []int64{}
	}
	if out.NegDeltas == nil {
		out.NegDeltas = []int64{}
	}
	return out
}

func spansJSON(spans []*dto.BucketSpan) [][2]int64 {
	out := [][2]int64{}
	for _, s := range spans {
		out = append(out, [2]int64{int64(s.GetOffset()), int64(s.GetLength())})
	}
	return out
}

// --- helpers -----------------------------------------------------------------------------

// httpClient never uses a proxy: the gateways under test listen on loopback.
func httpClient() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}}
}

func formatFloat(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if s == "Inf" {
		return "+Inf"
	}
	return s
}

func floatPtr(v float64) *string {
	s := formatFloat(v)
	return &s
}

func printJSON(v interface{}) {
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(v); err != nil {
		fmt.Fprintln(os.Stderr, "pusher:", err)
		os.Exit(1)
	}
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "pusher:", err)
	return 1
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: pusher [-instance I] [-gzip] push|add|delete URL JOB\n       pusher scrape URL")
	os.Exit(2)
}

func main() {
	instance := flag.String("instance", "i1", "value of the instance grouping label")
	gzipBody := flag.Bool("gzip", false, "gzip the request body (Content-Encoding: gzip)")
	flag.Usage = usage
	flag.Parse()
	args := flag.Args()
	if len(args) < 2 {
		usage()
	}
	switch command := args[0]; {
	case (command == "push" || command == "add" || command == "delete") && len(args) == 3:
		os.Exit(pushCommand(command, args[1], args[2], *instance, *gzipBody))
	case command == "scrape" && len(args) == 2:
		os.Exit(scrapeCommand(args[1]))
	default:
		usage()
	}
}
