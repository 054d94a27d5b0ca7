-- wrk -s: the latency distribution's tail in one line (wrk --latency prints only 50/75/90/99).
done = function(summary, latency, requests)
  local out = "latency"
  for _, p in ipairs({50, 90, 95, 98, 99, 99.5, 99.9}) do
    out = out .. string.format(" p%s=%.0fus", p, latency:percentile(p))
  end
  io.write(out .. string.format(" max=%.0fus\n", latency.max))
end
