# Connect-AseDevice, Disconnect-AseDevice, Get-AseContext (sign-in failures are in Errors.Tests.ps1).

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-AseTestModule
    $sim = Get-AseTestSim Fast
}

AfterAll { Disconnect-AseDevice }

Describe 'Session: Connect-AseDevice, Disconnect-AseDevice, Get-AseContext' {
    It 'Connect-AseDevice with the device CA and host map returns the Connect-AzAccount context fields' {
        $context = Connect-AseTestDevice -PassThru
        $context.Account | Should -BeLike 'EdgeArmUser*'
        $context.SubscriptionName | Should -Be 'Default Provider Subscription'
        $context.SubscriptionId | Should -Be $sim.subscription_id
        $context.TenantId | Should -Be $AseTestTenant
        $context.ArmEndpoint | Should -Be $sim.arm_endpoint
        $context.Environment | Should -Not -BeNullOrEmpty
    }

    It 'Get-AseContext describes the current connection' {
        Connect-AseTestDevice
        $context = Get-AseContext
        $context.SubscriptionId | Should -Be $sim.subscription_id
        $context.Account | Should -BeLike 'EdgeArmUser*'
        $context.TlsVerification | Should -Not -BeNullOrEmpty
    }

    It 'connects with -DeviceIp instead of a host map' {
        $context = Connect-AseDevice -ArmEndpoint $sim.arm_endpoint -Credential (Get-AseTestCredential) -CaCertificate $sim.ca_cert -DeviceIp 127.0.0.1 -ErrorAction Stop
        $context.SubscriptionId | Should -Be $sim.subscription_id
    }

    It 'connects by the IP address endpoint (the certificate has an IP SAN)' {
        $context = Connect-AseDevice -ArmEndpoint $sim.arm_endpoint_ip -Credential (Get-AseTestCredential) -CaCertificate $sim.ca_cert -HostMap (Get-AseTestHostMap $sim) -ErrorAction Stop
        $context.SubscriptionId | Should -Be $sim.subscription_id
    }

    It 'pins the certificate with -CertificateThumbprint (no CA file)' {
        $context = Connect-AseDevice -ArmEndpoint $sim.arm_endpoint -Credential (Get-AseTestCredential) -CertificateThumbprint $sim.thumbprint -HostMap (Get-AseTestHostMap $sim) -ErrorAction Stop
        $context.SubscriptionId | Should -Be $sim.subscription_id
        (Get-AseResourceGroup -Name ASERG -ErrorAction Stop).ResourceGroupName | Should -Be 'ASERG'
    }

    It 'a DOMAIN\user name signs in as the user' {
        $credential = Get-AseTestCredential -UserName 'EDGE\EdgeArmUser'
        $context = Connect-AseDevice -ArmEndpoint $sim.arm_endpoint -Credential $credential -CaCertificate $sim.ca_cert -HostMap (Get-AseTestHostMap $sim) -ErrorAction Stop
        $context.Account | Should -BeLike 'EdgeArmUser*'
    }

    It 'Disconnect-AseDevice forgets the connection: Get-AseContext is empty, calls fail with NotConnected' {
        Connect-AseTestDevice
        Disconnect-AseDevice
        Get-AseContext | Should -BeNullOrEmpty
        { Get-AseResourceGroup -ErrorAction Stop } | Should -Throw -ErrorId 'NotConnected,*'
        Disconnect-AseDevice   # a second time is harmless
    }

    It 'a failed Connect-AseDevice keeps the previous connection' {
        Connect-AseTestDevice
        $bad = Get-AseTestCredential -Password 'not-the-password'
        { Connect-AseDevice -ArmEndpoint $sim.arm_endpoint -Credential $bad -CaCertificate $sim.ca_cert -HostMap (Get-AseTestHostMap $sim) -ErrorAction Stop } |
            Should -Throw -ErrorId 'Authentication,*'
        (Get-AseContext).SubscriptionId | Should -Be $sim.subscription_id
        (Get-AseResourceGroup -Name ASERG -ErrorAction Stop).ResourceGroupName | Should -Be 'ASERG'
    }

    It 'the session renews its token after the device expires every token (POST /_sim/tokens/expire)' {
        Connect-AseTestDevice
        $null = Invoke-AseSim -Sim Fast -Method POST -Path 'tokens/expire'
        # A token issued before the expiry is refused from the next second on; wait for that second.
        $notBefore = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() + 1
        Wait-AseTestCondition -Because 'the expiry takes effect' -TimeoutSeconds 5 -Condition { [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() -gt $notBefore } | Out-Null
        (Get-AseResourceGroup -Name ASERG -ErrorAction Stop).ResourceGroupName | Should -Be 'ASERG'
    }
}
