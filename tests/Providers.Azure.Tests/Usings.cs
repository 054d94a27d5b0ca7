global using CloudIngress.Providers.Aws.Tests;
