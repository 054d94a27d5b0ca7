# The controller image that deploy/ and the infra/ stacks run (`cloudingress`, built from
# src/Controller). Build it from the repository root and push it where the cluster pulls from:
#
#   docker build -t REGISTRY/cloudingress:TAG .
#   docker push REGISTRY/cloudingress:TAG
#
# tests/Controller.Tests/Deploy/DockerfileTests.cs checks this file against deploy/ and the
# project files: base images, user, entrypoint, default arguments and ports.

# Stage 1: build with the .NET SDK.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
# The controller embeds the quickstart manifests for `cloudingress demo`.
COPY examples/quickstart/ examples/quickstart/
# ReadyToRun for the image's architecture: precompiled code spares the controller most of its
# start-up JIT (about 15 % less CPU to the first applied model at scale, bench/RESULTS.md).
ARG TARGETARCH
RUN case "$TARGETARCH" in arm64) echo linux-arm64 ;; *) echo linux-x64 ;; esac > /tmp/rid
RUN dotnet restore src/Controller/CloudIngress.Controller.csproj --runtime "$(cat /tmp/rid)"
RUN dotnet publish src/Controller/CloudIngress.Controller.csproj --configuration Release --no-restore --runtime "$(cat /tmp/rid)" --self-contained false -p:PublishReadyToRun=true --output /out -p:UseAppHost=true

# Stage 2: the ASP.NET Core runtime and the published controller, nothing else (no shell, no
# package manager). Files are owned by root and only readable by the process, so the root file
# system can be mounted read-only; the runtime writes only below /tmp (deploy/ mounts an
# emptyDir there).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /out/ /app/
# The same non-root user and group as deploy/20-deployment.yaml's securityContext.
USER 65532:65532
# Proxy HTTP and HTTPS, and the admin port (health, readiness, metrics).
EXPOSE 8080 8443 10254
ENTRYPOINT ["/app/cloudingress"]
# deploy/'s arguments; Kubernetes replaces them with the Deployment's own.
CMD ["run", "--provider=kestrel", "--ingress-class=cloudingress", "--publish-service=cloudingress/cloudingress", "--election-id=cloudingress-leader", "--bind=0.0.0.0", "--http-port=8080", "--https-port=8443", "--admin-port=10254", "--shutdown-timeout=30", "--log-format=json"]
