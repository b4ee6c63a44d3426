// GCC's -fsanitize-coverage=trace-cmp also traces floating-point comparisons, which libFuzzer has no
// callbacks for; these empty ones let GCC-built fuzz targets link (clang builds do not use this file).
extern "C" {
void __sanitizer_cov_trace_cmpf(float, float) {}
void __sanitizer_cov_trace_cmpd(double, double) {}
}
